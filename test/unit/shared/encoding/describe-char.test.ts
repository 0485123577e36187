import { describe, expect, it } from 'vitest';
import { describeChar } from '../../../../shared/encoding/describe-char.ts';

describe('describeChar', () => {
  it.each([
    ['a+b', 1, "'+'"],
    ['a b', 1, 'a space'],
    ['a\tb', 1, 'a tab'],
    ['a\nb', 1, 'a line break'],
    ['a\rb', 1, 'a line break'],
    ['\u0000', 0, 'U+0000'],
    ['\u007f', 0, 'U+007F'],
    ['\u00a0', 0, 'U+00A0'],
    ['\u200b', 0, 'U+200B'],
    ['😀', 0, 'U+1F600'],
    ['\ud800', 0, 'U+D800'],
    ['abc', 3, 'the end of the text'],
  ])('%j at %d → %s', (text, index, expected) => {
    expect(describeChar(text, index)).toBe(expected);
  });
});
