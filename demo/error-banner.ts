/**
 * The banner below the connection form that shows the last error: a
 * headline with the next step for the reader, and the error itself.
 */
import type { Explanation } from './explain-error.ts';

export class ErrorBanner {
  readonly #banner: HTMLElement;
  readonly #headline: HTMLElement;
  readonly #text: HTMLElement;

  constructor(elements: { banner: HTMLElement; headline: HTMLElement; text: HTMLElement; dismiss: HTMLButtonElement }) {
    this.#banner = elements.banner;
    this.#headline = elements.headline;
    this.#text = elements.text;
    elements.dismiss.addEventListener('click', () => this.clear());
  }

  show(explanation: Explanation): void {
    this.#headline.textContent = explanation.headline;
    this.#text.textContent = explanation.detail;
    this.#banner.hidden = false;
  }

  clear(): void {
    this.#banner.hidden = true;
    this.#headline.textContent = '';
    this.#text.textContent = '';
  }
}
