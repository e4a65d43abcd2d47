/**
 * The record panel: the object key, the stored envelope and its metadata, a
 * JSON editor with Save, a conflict notice when someone else saved first,
 * and Delete behind a confirmation step in the page.
 */
import type { Envelope } from '../src/index.ts';
import { byId } from './dom.ts';
import type { DemoRecord } from './record-list.ts';

/** One stored record as the panel shows it. */
export interface StoredRecord {
  key: string;
  /** ETag of the object, quoted as the server sends it. */
  etag: string;
  /** Size of the stored object in bytes. */
  size: number;
  /** The stored bytes decoded as UTF-8. */
  text: string;
  envelope: Envelope<DemoRecord>;
}

/** Callbacks through which the panel saves, deletes, reopens and reports errors. */
export interface DetailActions {
  /** Saves `obj`, edited from `record`; only over the version that was opened. */
  save(record: StoredRecord, obj: DemoRecord): Promise<void>;
  delete(record: StoredRecord): Promise<void>;
  /** Opens the stored version of `key` again, dropping the edits. */
  reopen(key: string): Promise<void>;
  /** Receives whatever `save` or `delete` throws. */
  reportError(error: unknown): void;
}

export class RecordDetail {
  readonly #actions: DetailActions;
  readonly #empty = byId('detail-empty', HTMLParagraphElement);
  readonly #body = byId('detail-body', HTMLDivElement);
  readonly #title = byId('detail-title', HTMLHeadingElement);
  readonly #key = byId('meta-key', HTMLElement);
  readonly #size = byId('meta-size', HTMLElement);
  readonly #dt = byId('meta-dt', HTMLElement);
  readonly #uuid = byId('meta-uuid', HTMLElement);
  readonly #etag = byId('meta-etag', HTMLElement);
  readonly #editor = byId('editor', HTMLTextAreaElement);
  readonly #validation = byId('validation', HTMLParagraphElement);
  readonly #status = byId('status', HTMLParagraphElement);
  readonly #save = byId('save', HTMLButtonElement);
  readonly #delete = byId('delete', HTMLButtonElement);
  readonly #confirm = byId('confirm-delete', HTMLDivElement);
  readonly #confirmId = byId('confirm-id', HTMLElement);
  readonly #confirmYes = byId('confirm-yes', HTMLButtonElement);
  readonly #confirmNo = byId('confirm-no', HTMLButtonElement);
  readonly #envelope = byId('envelope', HTMLPreElement);
  readonly #conflict = byId('conflict', HTMLDivElement);
  readonly #conflictText = byId('conflict-text', HTMLParagraphElement);
  readonly #conflictReload = byId('conflict-reload', HTMLButtonElement);
  #record: StoredRecord | undefined;

  constructor(actions: DetailActions) {
    this.#actions = actions;
    this.#save.addEventListener('click', () => void this.#onSave());
    this.#delete.addEventListener('click', () => this.#askToDelete());
    this.#confirmNo.addEventListener('click', () => this.#hideConfirm());
    this.#confirmYes.addEventListener('click', () => void this.#onConfirmDelete());
    this.#conflictReload.addEventListener('click', () => {
      const key = this.#record?.key;
      if (key !== undefined) void this.#whileBusy(() => this.#actions.reopen(key));
    });
  }

  /** Shows `record` and loads its object into the editor. */
  show(record: StoredRecord): void {
    this.#record = record;
    this.#empty.hidden = true;
    this.#body.hidden = false;

    this.#title.textContent = typeof record.envelope.obj.id === 'string' ? record.envelope.obj.id : record.key;
    this.#key.textContent = record.key;
    this.#size.textContent = `${record.size.toLocaleString('en-US')} bytes`;
    this.#dt.textContent = record.envelope.dt;
    this.#uuid.textContent = record.envelope.uuid;
    this.#etag.textContent = record.etag || '(not readable: the CORS rule does not expose ETag)';
    this.#envelope.textContent = record.text;
    this.#editor.value = JSON.stringify(record.envelope.obj, null, 2);

    this.#setMessage(this.#validation, '');
    this.#setMessage(this.#status, '');
    this.#conflict.hidden = true;
    this.#hideConfirm();
  }

  /** The record shown, as it was opened. */
  get record(): StoredRecord | undefined {
    return this.#record;
  }

  /** Shows why a save or delete was rejected; the editor keeps the edits. */
  showConflict(text: string): void {
    this.#setMessage(this.#status, '');
    this.#conflictText.textContent = text;
    this.#conflict.hidden = false;
  }

  /** Hides the panel, as after a delete. */
  clear(): void {
    this.#record = undefined;
    this.#body.hidden = true;
    this.#empty.hidden = false;
    this.#hideConfirm();
  }

  /** Shows a short confirmation, such as "Saved". */
  showStatus(text: string): void {
    this.#setMessage(this.#status, text);
  }

  async #onSave(): Promise<void> {
    const record = this.#record;
    if (record === undefined) return;
    this.#setMessage(this.#status, '');
    this.#conflict.hidden = true;
    const obj = this.#parseEditor();
    if (obj === undefined) return;

    this.#setMessage(this.#validation, '');
    await this.#whileBusy(() => this.#actions.save(record, obj));
  }

  /** Returns the editor's object, or undefined after showing why it cannot be saved. */
  #parseEditor(): DemoRecord | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.#editor.value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#setMessage(this.#validation, `Invalid JSON: ${reason}. Nothing was saved.`);
      return undefined;
    }

    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.#setMessage(this.#validation, 'A record must be a JSON object, such as {"id": "…"}. Nothing was saved.');
      return undefined;
    }
    return value as DemoRecord;
  }

  #askToDelete(): void {
    if (this.#record === undefined) return;
    const id = this.#record.envelope.obj.id;
    this.#confirmId.textContent = typeof id === 'string' ? id : this.#record.key;
    this.#confirm.hidden = false;
    this.#confirmYes.focus();
  }

  async #onConfirmDelete(): Promise<void> {
    const record = this.#record;
    if (record === undefined) return;
    this.#hideConfirm();
    this.#conflict.hidden = true;
    await this.#whileBusy(() => this.#actions.delete(record));
  }

  #hideConfirm(): void {
    this.#confirm.hidden = true;
  }

  /**
   * Runs `action` with the buttons disabled, so a second click cannot start a
   * second write, and passes an error it throws to `reportError`.
   */
  async #whileBusy(action: () => Promise<void>): Promise<void> {
    const buttons = [this.#save, this.#delete, this.#confirmYes, this.#conflictReload];
    for (const button of buttons) button.disabled = true;
    try {
      await action();
    } catch (error) {
      this.#actions.reportError(error);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  #setMessage(element: HTMLElement, text: string): void {
    element.textContent = text;
    element.hidden = text === '';
  }
}
