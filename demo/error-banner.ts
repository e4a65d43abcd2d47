/**
 * The banner at the top of the page that shows the last error.
 */
import { NoDBError } from '../src/index.ts';

export class ErrorBanner {
  readonly #banner: HTMLElement;
  readonly #text: HTMLElement;

  constructor(banner: HTMLElement, text: HTMLElement, dismiss: HTMLButtonElement) {
    this.#banner = banner;
    this.#text = text;
    dismiss.addEventListener('click', () => this.clear());
  }

  /** Shows `error` with its class name and message. */
  show(error: unknown): void {
    this.#text.textContent = describeError(error);
    this.#banner.hidden = false;
  }

  clear(): void {
    this.#banner.hidden = true;
    this.#text.textContent = '';
  }
}

/**
 * Formats an error as `Name: message`, such as `BucketNotFoundError: ...`.
 * NoDBError.is also matches NoDB errors from another realm.
 */
export function describeError(error: unknown): string {
  if (NoDBError.is(error) || error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
