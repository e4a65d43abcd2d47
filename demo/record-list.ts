/**
 * The records of the current page: one row per record with its id, event
 * and action, and a filter on the id within the page.
 */

/** A stored object. The demo edits records freely, so no field is guaranteed. */
export type DemoRecord = Record<string, unknown>;

/** One row: the object key, and the record or why it could not be read. */
export interface ListedRecord {
  key: string;
  obj?: DemoRecord;
  /** Set when the object is not a record the page can decode. */
  problem?: string;
}

export interface RecordListElements {
  list: HTMLUListElement;
  search: HTMLInputElement;
  filterStatus: HTMLElement;
}

export class RecordList {
  readonly #elements: RecordListElements;
  readonly #onSelect: (key: string) => void;
  #rows: HTMLLIElement[] = [];
  #selectedKey: string | undefined;

  constructor(elements: RecordListElements, onSelect: (key: string) => void) {
    this.#elements = elements;
    this.#onSelect = onSelect;
    elements.search.addEventListener('input', () => this.#applyFilter());
  }

  /** Replaces the rows with `records`, in the order given. */
  render(records: readonly ListedRecord[]): void {
    this.#rows = records.map((record) => this.#createRow(record));
    this.#elements.list.replaceChildren(...this.#rows);
    this.#applyFilter();
    this.select(this.#selectedKey);
  }

  /** Shows that the page is being read. */
  showLoading(): void {
    this.#elements.list.setAttribute('aria-busy', 'true');
  }

  /** Highlights the row of `key`. Undefined clears the highlight. */
  select(key: string | undefined): void {
    this.#selectedKey = key;
    for (const row of this.#rows) {
      const button = row.firstElementChild as HTMLButtonElement;
      const selected = button.dataset.key === key;
      row.classList.toggle('selected', selected);
      if (selected) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  #createRow(record: ListedRecord): HTMLLIElement {
    const row = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'record-row';
    button.dataset.key = record.key;

    const id = record.obj ? displayValue(record.obj.id) : record.key;
    button.dataset.id = id;
    if (record.obj) {
      button.append(cell('id', id), cell('event', displayValue(record.obj.event)), cell('action', displayValue(record.obj.action)));
    } else {
      button.classList.add('unreadable');
      button.append(cell('id', id), cell('event', record.problem ?? 'unreadable'), cell('action', ''));
    }
    button.addEventListener('click', () => this.#onSelect(record.key));

    row.append(button);
    return row;
  }

  #applyFilter(): void {
    this.#elements.list.removeAttribute('aria-busy');
    const query = this.#elements.search.value.trim().toLowerCase();
    let visibleCount = 0;
    for (const row of this.#rows) {
      const id = (row.firstElementChild as HTMLElement).dataset.id ?? '';
      const visible = id.toLowerCase().includes(query);
      row.hidden = !visible;
      if (visible) visibleCount++;
    }

    const status = this.#elements.filterStatus;
    status.textContent = query === '' ? '' : `${visibleCount} of ${this.#rows.length} on this page match`;
    status.hidden = query === '';
  }
}

function cell(className: string, text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  // Long values end in an ellipsis, so the tooltip shows them whole.
  span.title = text;
  return span;
}

/** Text of a field for display: strings as they are, a missing field as a dash, anything else as JSON. */
function displayValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
