/**
 * The list of records: one row per record with its id, event and action, a
 * count, and a filter on the id.
 */
import type { RecordInfo } from '../src/index.ts';

/** A stored object. The demo edits records freely, so no field is guaranteed. */
export type DemoRecord = Record<string, unknown>;

export class RecordList {
  readonly #list: HTMLUListElement;
  readonly #count: HTMLElement;
  readonly #search: HTMLInputElement;
  readonly #onSelect: (key: string) => void;
  #rows: HTMLLIElement[] = [];
  #selectedKey: string | undefined;

  constructor(
    elements: { list: HTMLUListElement; count: HTMLElement; search: HTMLInputElement },
    onSelect: (key: string) => void,
  ) {
    this.#list = elements.list;
    this.#count = elements.count;
    this.#search = elements.search;
    this.#onSelect = onSelect;
    this.#search.addEventListener('input', () => this.#applyFilter());
  }

  /** Shows progress while the listing is read. */
  showLoading(loaded: number): void {
    this.#count.textContent = `Loading… ${loaded}`;
  }

  /** Replaces the rows with `records`, in the order given. */
  render(records: ReadonlyArray<RecordInfo<DemoRecord>>): void {
    this.#rows = records.map((record) => this.#createRow(record));
    this.#list.replaceChildren(...this.#rows);
    this.#applyFilter();
    this.select(this.#selectedKey);
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

  #createRow(record: RecordInfo<DemoRecord>): HTMLLIElement {
    const row = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'record-row';
    button.dataset.key = record.key;

    const id = displayValue(record.obj.id);
    button.dataset.id = id;
    button.append(cell('id', id), cell('event', displayValue(record.obj.event)), cell('action', displayValue(record.obj.action)));
    button.addEventListener('click', () => this.#onSelect(record.key));

    row.append(button);
    return row;
  }

  #applyFilter(): void {
    const query = this.#search.value.trim().toLowerCase();
    let visibleCount = 0;
    for (const row of this.#rows) {
      const id = (row.firstElementChild as HTMLElement).dataset.id ?? '';
      const visible = id.toLowerCase().includes(query);
      row.hidden = !visible;
      if (visible) visibleCount++;
    }

    const total = this.#rows.length;
    const noun = total === 1 ? 'record' : 'records';
    this.#count.textContent = query === '' ? `${total} ${noun}` : `${visibleCount} of ${total} ${noun}`;
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
