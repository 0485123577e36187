import { sha256 } from './sha256.ts';

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * The lookup hash of an API key: how a verifier finds a key without holding its material.
 *
 * Specification (the wire fact every Keyward verifier shares — the engine, the decoder and the
 * server): `lookupHash(key) = lowercase-hex(SHA-256(UTF-8(key)))`, where `key` is the exact key
 * text (`prefix` + 43 base62 body + 6 checksum characters, no surrounding whitespace, no
 * normalisation). The result is 64 characters of `[0-9a-f]`. No salt and no pepper: the key holds
 * 256 random bits, so a plain hash cannot be reversed or guessed, and it must be the same on every
 * server instance. See {@link LOOKUP_HASH_VECTORS} and `docs/acceptance.md`.
 */
export function lookupHash(key: string): string {
  const digest = sha256(encoder.encode(key));
  let hex = '';
  for (const byte of digest) {
    hex += HEX[byte] as string;
  }
  return hex;
}

/** The shape of a lookup hash: 64 lowercase hex digits. */
export const LOOKUP_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * Test vectors for {@link lookupHash}, for any implementation (e.g. the server's, with
 * `node:crypto`). Each key is a real, well-formed key: `formatApiKey(prefix, bytes)` for the bytes
 * named in `about`. Checked against `sha256sum` as well as `node:crypto`.
 */
export const LOOKUP_HASH_VECTORS: readonly { about: string; key: string; hash: string }[] = [
  {
    about: 'prefix kw_, 32 zero bytes',
    key: 'kw_00000000000000000000000000000000000000000004RAm10',
    hash: '545bb00d5d2169a43d4d8edfff8fa2b4a4703522122f10828a7771a24847b0bc',
  },
  {
    about: 'prefix kw_, bytes 0x00 0x01 … 0x1f',
    key: 'kw_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf45YXCo',
    hash: '54f99c232f8b309b696fcaa8c9dd8278e180b2fa7dee8016892f68fce0ca1c91',
  },
  {
    about: 'prefix cb_, 32 bytes of 0xff',
    key: 'cb_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp11v7zVN',
    hash: '62d544386a77f863dfc4b60f8043fa4a70df1d692a41335fb7fb8a58fa38df50',
  },
];
