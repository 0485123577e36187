/**
 * Names one character of user input for an error message: a visible ASCII character quoted (`'+'`),
 * whitespace by name (`a space`, `a line break`), anything else by code point (`U+00E9`), so a
 * message never carries invisible or confusable characters.
 */
export function describeChar(text: string, index: number): string {
  const codePoint = text.codePointAt(index);
  if (codePoint === undefined) {
    return 'the end of the text';
  }
  switch (codePoint) {
    case 0x20:
      return 'a space';
    case 0x09:
      return 'a tab';
    case 0x0a:
    case 0x0d:
      return 'a line break';
    default:
      break;
  }
  if (codePoint > 0x20 && codePoint < 0x7f) {
    return `'${String.fromCodePoint(codePoint)}'`;
  }
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
