const STRICT_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * How many bytes `text` takes as UTF-8, counted without encoding it (a lone surrogate counts as the
 * 3 bytes of the U+FFFD that `TextEncoder` writes for it).
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes += 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else {
        bytes += 3;
      }
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** Decodes bytes as UTF-8, or returns null when they are not valid UTF-8. A BOM is kept, not stripped. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return STRICT_DECODER.decode(bytes);
  } catch {
    // Invalid UTF-8: `null` is the documented answer.
    return null;
  }
}
