/** Pasted text reduced to the token it carries. */
export interface NormalizedToken {
  /** The token itself; empty when nothing was left. */
  token: string;
  /** What was removed in front of it (`Authorization:`, `Bearer`), for messages; null when nothing. */
  removedScheme: string | null;
}

const QUOTES = new Set(['"', "'", '`']);
const AUTHORIZATION = /^authorization\s*:\s*/i;
const BEARER = /^bearer(?:\s+|$)/i;
/** A line break together with the indentation around it, as left by wrapped lines. */
const WRAPPED_LINE = /[ \t]*(?:\r\n|\r|\n)[ \t]*/g;

function unquote(text: string): string {
  const first = text.charAt(0);
  return text.length >= 2 && QUOTES.has(first) && text.endsWith(first) ? text.slice(1, -1).trim() : text;
}

/**
 * Reduces whatever a user pasted to the token: trims surrounding whitespace, one pair of matching
 * quotes, an `Authorization:` header name and a `Bearer` scheme (any case), and joins lines that a
 * terminal or mail client wrapped (line breaks and the spaces or tabs around them). Spaces inside a
 * line are kept, so the parser can point at them. Never throws.
 */
export function normalizeTokenInput(input: string): NormalizedToken {
  let text = unquote(input.trim());
  const removed: string[] = [];
  const authorization = AUTHORIZATION.exec(text);
  if (authorization !== null) {
    removed.push('Authorization:');
    text = text.slice(authorization[0].length);
  }
  const bearer = BEARER.exec(text);
  if (bearer !== null) {
    removed.push('Bearer');
    text = unquote(text.slice(bearer[0].length).trim());
  }
  return {
    token: text.replace(WRAPPED_LINE, ''),
    removedScheme: removed.length > 0 ? removed.join(' ') : null,
  };
}
