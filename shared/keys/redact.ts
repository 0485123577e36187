import { API_KEY_BODY_LENGTH, API_KEY_CHECKSUM_LENGTH, maskKey } from './key-format.ts';

/**
 * Base62 characters after a prefix from which text counts as key-shaped: a whole key has
 * {@link API_KEY_BODY_LENGTH} + {@link API_KEY_CHECKSUM_LENGTH} = 49. A fragment missing up to nine
 * of them still counts (so a key cut short, or one character mistyped into a `_`, is still caught),
 * while ordinary text is left alone: a UUID `jti` has 36 characters and hyphens, and the longest ids
 * the vault writes — a signing key's `kid` (a SHA-256 JWK thumbprint) and 32-byte tokens, both 43
 * base64url characters that may hold `_` anywhere — leave at most 41 after a prefix of at least two.
 * (At 40, about one `kid` in 200 was key-shaped and its rotation was refused by the activity log.)
 */
export const KEY_SHAPED_MIN_TAIL = 42;

/**
 * The one "key-shaped text" pattern (source, no flags): a key prefix (1–7 of `a–z 0–9`, then `_`)
 * followed by {@link KEY_SHAPED_MIN_TAIL} or more base62 characters. No word boundaries: a key glued
 * to other text (`foo_kw_…`, `Bearerkw_…`, `kw_…_x`) is still key-shaped, and a run longer than a key
 * is taken whole (masking it shows 8 characters, never more). The exact key format is
 * `key-format.ts`'s `looksLikeApiKey`; this pattern is what redaction, the activity log's refusal and
 * the decoder's masking look for.
 */
export const KEY_SHAPED_SOURCE = `[a-z0-9]{1,7}_[0-9A-Za-z]{${KEY_SHAPED_MIN_TAIL},}`;

/**
 * Text shaped like a compact JWS/JWT (source, no flags): `eyJ` (a JSON header), then the rest of the
 * token or any cut-off part of it. A Secret carries a key in its payload.
 */
export const TOKEN_SHAPED_SOURCE = 'eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*)?';

/** A fresh global RegExp for {@link KEY_SHAPED_SOURCE} (global RegExps are stateful: one per use). */
export function keyShapedPattern(): RegExp {
  return new RegExp(KEY_SHAPED_SOURCE, 'g');
}

// Stateless uses only (`replace` resets lastIndex; `test` is only called on the non-global one).
const KEY_SHAPED = new RegExp(KEY_SHAPED_SOURCE, 'g');
const KEY_OR_TOKEN = new RegExp(`${KEY_SHAPED_SOURCE}|${TOKEN_SHAPED_SOURCE}`);
const KEY_OR_TOKEN_ALL = new RegExp(`${KEY_SHAPED_SOURCE}|${TOKEN_SHAPED_SOURCE}`, 'g');

// The pattern must cover the real key format: a whole key's tail is at least the minimum.
if (API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH < KEY_SHAPED_MIN_TAIL) {
  throw new Error('KEY_SHAPED_MIN_TAIL is longer than a key');
}

/** True when `text` holds anything key-shaped or token-shaped (what the activity log refuses). */
export function containsKeyMaterial(text: string): boolean {
  return KEY_OR_TOKEN.test(text);
}

/** Masks every key-shaped run in `text` to its first 8 characters and `…`. */
export function maskKeyShaped(text: string): string {
  return text.replace(KEY_SHAPED, (match) => maskKey(match));
}

/**
 * Makes user input safe to quote back in an error message: key-shaped runs are masked and
 * token-shaped runs (which may carry a key) are replaced by `eyJ…` — whatever was pasted where a
 * name or id belonged never reaches a message, a log or IPC in full. Redact first, then truncate.
 * One left-to-right pass, so whichever starts first is taken whole: a key whose body happens to hold
 * `eyJ` before a `.` is masked as a key, not cut short by a token replaced inside it.
 */
export function redactKeyMaterial(text: string): string {
  return text.replace(KEY_OR_TOKEN_ALL, (match) => (match.startsWith('eyJ') ? 'eyJ…' : maskKey(match)));
}

/**
 * User input made safe to quote, then cut to `max` characters (with `…`). Masking comes first: cut
 * first, a key split at the cut is no longer key-shaped and its first part would show in full.
 */
export function quoteSafely(text: string, max: number): string {
  const safe = redactKeyMaterial(text);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
