import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../../shared/keys/key-format.ts';
import { redactKeyMaterial } from '../../../../shared/keys/redact.ts';

describe('redactKeyMaterial', () => {
  it('masks a key pasted into a message, leaving ordinary text alone', () => {
    const key = generateApiKey('cb_');
    expect(redactKeyMaterial(`No integration named "${key}".`)).toBe(
      `No integration named "${key.slice(0, 8)}…".`,
    );
    expect(redactKeyMaterial('Billing API')).toBe('Billing API');
  });

  it('replaces a pasted Secret (or a cut-off part of one)', () => {
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJjbGllbnRfc2VjcmV0Ijoia3dfeHl6In0.c2lnbmF0dXJl';
    expect(redactKeyMaterial(`ref "${token}"`)).toBe('ref "eyJ…"');
    expect(redactKeyMaterial(token.slice(0, 60))).toBe('eyJ…');
  });
});
