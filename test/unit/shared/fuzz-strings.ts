import fc from 'fast-check';

/** Any UTF-16 text, lone surrogates and control characters included. */
export const anyUtf16 = (maxLength = 80): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((codes) => String.fromCharCode(...codes));

/** Text over a small alphabet, so that random strings often come close to valid input. */
export const stringOver = (alphabet: string, maxLength = 40): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''));

/** A mix of generic fuzz inputs: Unicode, raw UTF-16, and near-valid text over `alphabet`. */
export const fuzzText = (alphabet: string, maxLength = 60): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    anyUtf16(maxLength),
    stringOver(alphabet, maxLength),
  );
