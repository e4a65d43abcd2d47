/**
 * The connection form: a mode chooser and one form per mode. The mode and
 * the settings that are not secret (endpoint, region, bucket, signer URL)
 * live in the URL fragment, so a reload restores them. Keys never go there.
 */
import type { ConnectionMode, ConnectionSettings } from './connection.ts';
import { byId } from './dom.ts';

const MODES: readonly ConnectionMode[] = ['local', 'credentials', 'presigned'];

export class ConnectPanel {
  readonly #onConnect: (settings: ConnectionSettings) => void;
  readonly #radios = [...document.querySelectorAll<HTMLInputElement>('input[name="mode"]')];
  readonly #forms = [...document.querySelectorAll<HTMLFormElement>('form.mode-form')];
  readonly #endpoint = byId('cred-endpoint', HTMLInputElement);
  readonly #region = byId('cred-region', HTMLInputElement);
  readonly #bucket = byId('cred-bucket', HTMLInputElement);
  readonly #accessKey = byId('cred-access-key', HTMLInputElement);
  readonly #secret = byId('cred-secret', HTMLInputElement);
  readonly #token = byId('cred-token', HTMLInputElement);
  readonly #signerUrl = byId('signer-url', HTMLInputElement);

  constructor(onConnect: (settings: ConnectionSettings) => void) {
    this.#onConnect = onConnect;
    for (const radio of this.#radios) radio.addEventListener('change', () => this.#showMode(radio.value as ConnectionMode));
    for (const form of this.#forms) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        this.#submit(form.dataset.mode as ConnectionMode);
      });
    }
  }

  /**
   * Shows the mode and settings of the URL fragment (local when there is
   * none) and returns the settings to connect with at once, or undefined
   * when the user must type keys first.
   */
  restore(): ConnectionSettings | undefined {
    const params = new URLSearchParams(location.hash.slice(1));
    const mode = MODES.find((candidate) => candidate === params.get('mode')) ?? 'local';
    this.#showMode(mode);

    if (mode === 'credentials') {
      this.#endpoint.value = params.get('endpoint') ?? '';
      this.#region.value = params.get('region') ?? 'us-east-1';
      this.#bucket.value = params.get('bucket') ?? '';
      return undefined;
    }
    if (mode === 'presigned') {
      this.#signerUrl.value = params.get('signer') ?? this.#signerUrl.value;
      return { mode, signerUrl: this.#signerUrl.value };
    }
    return { mode };
  }

  #submit(mode: ConnectionMode): void {
    const settings = this.#read(mode);
    history.replaceState(null, '', `#${fragmentOf(settings)}`);
    this.#onConnect(settings);
  }

  #read(mode: ConnectionMode): ConnectionSettings {
    if (mode === 'presigned') return { mode, signerUrl: this.#signerUrl.value.trim() };
    if (mode === 'local') return { mode };

    const sessionToken = this.#token.value.trim();
    return {
      mode,
      endpoint: this.#endpoint.value.trim(),
      region: this.#region.value.trim(),
      bucket: this.#bucket.value.trim(),
      credentials: {
        accessKeyId: this.#accessKey.value.trim(),
        secretAccessKey: this.#secret.value,
        ...(sessionToken === '' ? {} : { sessionToken }),
      },
    };
  }

  #showMode(mode: ConnectionMode): void {
    for (const radio of this.#radios) radio.checked = radio.value === mode;
    for (const form of this.#forms) form.hidden = form.dataset.mode !== mode;
  }
}

/** Returns the URL fragment for `settings`: the mode and its settings, never keys. */
function fragmentOf(settings: ConnectionSettings): string {
  const params = new URLSearchParams({ mode: settings.mode });
  if (settings.mode === 'credentials') {
    params.set('endpoint', settings.endpoint);
    params.set('region', settings.region);
    params.set('bucket', settings.bucket);
  } else if (settings.mode === 'presigned') {
    params.set('signer', settings.signerUrl);
  }
  return params.toString();
}
