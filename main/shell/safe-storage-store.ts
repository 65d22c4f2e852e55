/**
 * Agent tokens kept with Electron's safeStorage (the OS keychain, DPAPI or the Linux secret
 * service), each encrypted and stored base64 in a 0600 JSON file written atomically.
 * On Linux without a secret service, safeStorage falls back to `basic_text` (a fixed key): the
 * store refuses that unless the administrator opted in (FLOE_ALLOW_PLAINTEXT_TOKENS=1).
 */
import { readFileSync, statSync } from 'node:fs';
import { safeStorage } from 'electron';
import { z } from 'zod';
import { FloeError } from '../../shared/errors.js';
import { writePrivateFile, type SecretStore } from '../core/secret-store.js';

/** The part of Electron's safeStorage this store uses (injectable for tests). */
export type SafeStorageLike = Pick<typeof safeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

/** `safeStorage`: encrypted by the OS; `plain`: only the base64 of the token (opt-in, no secret service). */
export type TokenScheme = 'safeStorage' | 'plain';

export interface StorageProbe {
  readonly platform: NodeJS.Platform;
  readonly encryptionAvailable: boolean;
  /** Linux only; anything else elsewhere. */
  readonly backend: string;
  readonly allowPlaintext: boolean;
}

export type StorageDecision = { readonly ok: true; readonly scheme: TokenScheme; readonly warning?: string } | { readonly ok: false; readonly message: string };

const OPT_IN = 'set FLOE_ALLOW_PLAINTEXT_TOKENS=1 to accept tokens readable by anyone who can read the token file';

/** Pure: may tokens be stored, and how. */
export function decideTokenStorage(probe: StorageProbe): StorageDecision {
  const basicText = probe.platform === 'linux' && probe.backend === 'basic_text';
  if (probe.encryptionAvailable && !basicText) return { ok: true, scheme: 'safeStorage' };
  const why = basicText
    ? 'no secret service (GNOME Keyring, KWallet) is available, so Electron would encrypt tokens with a fixed, publicly known key'
    : 'the operating system offers no encryption for stored secrets';
  if (!probe.allowPlaintext) {
    return { ok: false, message: `Floe will not store agent tokens: ${why}. Start a secret service (for example gnome-keyring) and restart Floe, or ${OPT_IN}.` };
  }
  return {
    ok: true,
    scheme: probe.encryptionAvailable ? 'safeStorage' : 'plain',
    warning: `agent tokens are stored without real protection (${why}); FLOE_ALLOW_PLAINTEXT_TOKENS=1 is set`,
  };
}

/** FLOE_ALLOW_PLAINTEXT_TOKENS=1 (exactly) is the administrator's opt-in. */
export function allowPlaintextFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FLOE_ALLOW_PLAINTEXT_TOKENS === '1';
}

const tokensFileSchema = z
  .object({
    format: z.literal(1),
    tokens: z.record(z.string(), z.object({ scheme: z.enum(['safeStorage', 'plain']), data: z.base64() }).strict()),
  })
  .strict();
type TokensFile = z.infer<typeof tokensFileSchema>;

export interface SafeStorageSecretStoreOptions {
  /** The token file, for example `<config dir>/tokens.safe.json`. */
  readonly path: string;
  readonly allowPlaintext?: boolean;
  readonly safeStorage?: SafeStorageLike;
  readonly platform?: NodeJS.Platform;
  readonly warn?: (message: string) => void;
}

export class SafeStorageSecretStore implements SecretStore {
  private readonly crypto: SafeStorageLike;
  private readonly scheme: TokenScheme;
  private readonly allowPlaintext: boolean;
  private file: TokensFile;

  /** Throws FloeError('FORBIDDEN') when tokens cannot be protected and the administrator did not opt in. */
  constructor(private readonly options: SafeStorageSecretStoreOptions) {
    this.crypto = options.safeStorage ?? safeStorage;
    const platform = options.platform ?? process.platform;
    this.allowPlaintext = options.allowPlaintext ?? false;
    const decision = decideTokenStorage({
      platform,
      encryptionAvailable: this.crypto.isEncryptionAvailable(),
      backend: platform === 'linux' ? this.crypto.getSelectedStorageBackend() : 'os',
      allowPlaintext: this.allowPlaintext,
    });
    if (!decision.ok) throw new FloeError('FORBIDDEN', decision.message);
    if (decision.warning) this.warn(decision.warning);
    this.scheme = decision.scheme;
    this.file = this.load();
  }

  /** A token that cannot be read (keychain changed, plaintext not allowed) reads as missing, with a warning. */
  get(id: string): string | undefined {
    const entry = this.file.tokens[id];
    if (!entry) return undefined;
    const bytes = Buffer.from(entry.data, 'base64');
    if (entry.scheme === 'plain') {
      if (this.allowPlaintext) return bytes.toString('utf8');
      this.warn(`the token of location ${id} is stored unencrypted in ${this.options.path} and is ignored; remove the location and add it again, or ${OPT_IN}`);
      return undefined;
    }
    try {
      return this.crypto.decryptString(bytes);
    } catch (error) {
      this.warn(`the token of location ${id} cannot be decrypted (${error instanceof Error ? error.message : String(error)}); the keychain may have changed: remove the location and add it again`);
      return undefined;
    }
  }

  set(id: string, secret: string): void {
    const data = this.scheme === 'safeStorage' ? this.crypto.encryptString(secret) : Buffer.from(secret, 'utf8');
    this.file = { ...this.file, tokens: { ...this.file.tokens, [id]: { scheme: this.scheme, data: data.toString('base64') } } };
    this.save();
  }

  delete(id: string): void {
    if (!Object.hasOwn(this.file.tokens, id)) return;
    const { [id]: _removed, ...rest } = this.file.tokens;
    this.file = { ...this.file, tokens: rest };
    this.save();
  }

  private warn(message: string): void {
    (this.options.warn ?? ((text: string) => console.warn(`floe: ${text}`)))(message);
  }

  private load(): TokensFile {
    const { path } = this.options;
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      return { format: 1, tokens: {} };
    }
    if ((mode & 0o077) !== 0) throw new FloeError('FORBIDDEN', `${path} is readable by other users; run: chmod 600 ${path}`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      raw = undefined;
    }
    const parsed = tokensFileSchema.safeParse(raw);
    if (!parsed.success) throw new FloeError('BAD_REQUEST', `${path} is not a Floe token file; move it away and add the locations again`);
    return parsed.data;
  }

  private save(): void {
    writePrivateFile(this.options.path, `${JSON.stringify(this.file, null, 2)}\n`);
  }
}
