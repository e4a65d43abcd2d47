/**
 * Paging through a listing with ListObjectsV2 continuation tokens. S3 only
 * goes forward, so the pager keeps the token that starts each page it has
 * seen, and "Previous" reads the earlier page again with its token.
 */

export interface PagerElements {
  previous: HTMLButtonElement;
  next: HTMLButtonElement;
  range: HTMLElement;
  pageSize: HTMLSelectElement;
}

export class Pager {
  readonly #elements: PagerElements;
  /** Token that starts page i; page 0 starts without one. */
  #tokens: Array<string | undefined> = [undefined];
  #index = 0;
  /** Token of the page after the current one, from the last listing; undefined on the last page. */
  #nextToken: string | undefined;
  /** Number of the page whose rows are on screen, and how many rows it has. */
  #shownIndex = 0;
  #shown = 0;
  #total: number | undefined;
  /** True while `onChange` reads a page: the buttons stay disabled, so two quick clicks cannot skip a page. */
  #busy = false;
  readonly #onChange: () => Promise<void>;

  /** `onChange` reads the page that `token` starts, once the page number or size changed. */
  constructor(elements: PagerElements, onChange: () => Promise<void>) {
    this.#elements = elements;
    this.#onChange = onChange;
    elements.previous.addEventListener('click', () => {
      if (this.#busy || this.#index === 0) return;
      this.#index--;
      void this.#change();
    });
    elements.next.addEventListener('click', () => {
      if (this.#busy || this.#nextToken === undefined) return;
      this.#tokens[this.#index + 1] = this.#nextToken;
      this.#index++;
      void this.#change();
    });
    elements.pageSize.addEventListener('change', () => {
      this.reset();
      void this.#change();
    });
    this.#render();
  }

  get pageSize(): number {
    return Number(this.#elements.pageSize.value);
  }

  /** Token that starts the current page. */
  get token(): string | undefined {
    return this.#tokens[this.#index];
  }

  /** Goes back to the first page, as after a page size change or a new connection. */
  reset(): void {
    this.#tokens = [undefined];
    this.#index = 0;
    this.#nextToken = undefined;
    this.#shownIndex = 0;
    this.#shown = 0;
    this.#render();
  }

  /** Steps back one page, as when a delete emptied the last page. Returns false on the first page. */
  back(): boolean {
    if (this.#index === 0) return false;
    this.#index--;
    return true;
  }

  /** Records the listing of the current page: how many keys it showed and the token after it. */
  showPage(count: number, nextToken: string | undefined): void {
    this.#shownIndex = this.#index;
    this.#shown = count;
    this.#nextToken = nextToken;
    // Tokens beyond the next page may no longer be valid after this listing.
    this.#tokens.length = this.#index + 1;
    this.#render();
  }

  /** Sets the number of records under the prefix, for "1–50 of 329". */
  showTotal(total: number | undefined): void {
    this.#total = total;
    this.#render();
  }

  async #change(): Promise<void> {
    this.#busy = true;
    this.#render();
    try {
      await this.#onChange();
    } finally {
      // A page that failed to load leaves the pager on the page still on screen.
      this.#index = this.#shownIndex;
      this.#busy = false;
      this.#render();
    }
  }

  #render(): void {
    const first = this.#shownIndex * this.pageSize + 1;
    const of = this.#total === undefined ? '' : ` of ${this.#total}`;
    this.#elements.range.textContent = this.#shown === 0 ? `No records on this page${of}` : `${first}–${first + this.#shown - 1}${of}`;
    this.#elements.previous.disabled = this.#busy || this.#index === 0;
    this.#elements.next.disabled = this.#busy || this.#nextToken === undefined;
  }
}
