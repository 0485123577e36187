import { maskKey } from './key-format.ts';

/** Text shaped like an API key: a 2–8 character prefix and a 49-character base62 body + checksum. */
const KEY_SHAPED = /[a-z0-9]{1,7}_[0-9A-Za-z]{49}/g;
/** Text shaped like a compact JWS/JWT (a Secret carries a key in its payload). */
const TOKEN_SHAPED = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;

/** Masks every key-shaped run in `text` to its first 8 characters and `…`. */
export function maskKeyShaped(text: string): string {
  return text.replace(KEY_SHAPED, (match) => maskKey(match));
}

/**
 * Makes user input safe to quote back in an error message: key-shaped runs are masked and
 * token-shaped runs (which may carry a key) are replaced by `eyJ…` — whatever was pasted where a
 * name or id belonged never reaches a message, a log or IPC in full.
 */
export function redactKeyMaterial(text: string): string {
  return maskKeyShaped(text.replace(TOKEN_SHAPED, 'eyJ…'));
}

/**
 * User input made safe to quote, then cut to `max` characters (with `…`). Masking comes first: cut
 * first, a key split at the cut is no longer key-shaped and its first part would show in full.
 */
export function quoteSafely(text: string, max: number): string {
  const safe = redactKeyMaterial(text);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
