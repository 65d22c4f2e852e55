/**
 * The one way the console hands a URL to the system browser: https only, no credentials, and the
 * origin plus path must sit under an allow-listed prefix. Everything else is refused and logged.
 */
import { shell } from 'electron';

/** Links the console may open in the system browser (documentation only). Each ends with `/`. */
export const EXTERNAL_URL_ALLOW_LIST: readonly string[] = ['https://floe.example/docs/'];

export type ExternalLinkVerdict = { readonly allowed: true; readonly url: string } | { readonly allowed: false; readonly reason: string };

/** Pure: decides whether `raw` may be opened, and returns the normalised URL to open. */
export function checkExternalUrl(raw: string, allowList: readonly string[] = EXTERNAL_URL_ALLOW_LIST): ExternalLinkVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'https:') return { allowed: false, reason: `scheme ${url.protocol} is not https:` };
  if (url.username !== '' || url.password !== '') return { allowed: false, reason: 'the URL carries credentials' };
  const allowed = allowList.some((entry) => {
    const prefix = new URL(entry);
    return url.origin === prefix.origin && url.pathname.startsWith(prefix.pathname);
  });
  if (!allowed) return { allowed: false, reason: `${url.origin}${url.pathname} is not on the allow-list` };
  return { allowed: true, url: url.href };
}

export interface OpenExternalOptions {
  readonly allowList?: readonly string[];
  readonly log?: (message: string) => void;
}

/** Opens an allow-listed https URL in the system browser; refuses (and logs) anything else. */
export async function openExternalSafely(raw: string, options: OpenExternalOptions = {}): Promise<boolean> {
  const verdict = checkExternalUrl(raw, options.allowList);
  if (!verdict.allowed) {
    const log = options.log ?? ((message: string) => console.warn(message));
    log(`floe: refused to open an external link (${verdict.reason}): ${JSON.stringify(raw.slice(0, 200))}`);
    return false;
  }
  await shell.openExternal(verdict.url);
  return true;
}
