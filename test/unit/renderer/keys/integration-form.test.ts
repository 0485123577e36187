// The integration form's validation as you type: the engine's own schemas, the IP allow list line by
// line, and edits sending only what changed.
import { describe, expect, it } from 'vitest';
import {
  checkAcl,
  editFormState,
  newFormState,
  validateCreate,
  validateEdit,
} from '../../../../renderer/src/screens/keys/integration-form.ts';
import { sampleIntegration } from '../../../support/integration-fixtures.ts';

const DEFAULTS = { rotationDays: 365, graceDays: 30 };

const EXISTING = sampleIntegration({ ipAcl: ['203.0.113.0/24'] });

describe('checkAcl', () => {
  it('names every bad line with its number and suggests the network when host bits are set', () => {
    const check = checkAcl('203.0.113.0/24\n\n10.0.0.1/8\n  2001:DB8::1  \nnope\n203.0.113.0/24');
    expect(check.entries).toEqual(['203.0.113.0/24', '2001:db8::1/128']);
    expect(check.problems).toEqual([
      {
        line: 3,
        entry: '10.0.0.1/8',
        message: 'host bits set; did you mean 10.0.0.0/8?',
        suggestion: '10.0.0.0/8',
      },
      { line: 5, entry: 'nope', message: 'not an IPv4 or IPv6 address', suggestion: null },
    ]);
  });

  it('treats an empty list as any address', () => {
    expect(checkAcl('  \n')).toEqual({ entries: [], problems: [] });
  });
});

describe('validateCreate', () => {
  it('accepts a filled-in form and gives the engine its input', () => {
    const state = {
      ...newFormState(DEFAULTS),
      name: ' Payments ',
      acl: '1.1.1.1',
      website: 'https://pay.example',
    };
    const { input, errors } = validateCreate(state);
    expect(errors).toEqual({});
    expect(input).toMatchObject({
      name: 'Payments',
      platform: 'server',
      ipAcl: ['1.1.1.1/32'],
      prefix: 'kw_',
      rotationDays: 365,
      graceDays: 30,
      website: 'https://pay.example',
      notes: null,
      enabled: true,
      neverExpire: false,
    });
  });

  it('words the schema errors with the field labels', () => {
    const state = {
      ...newFormState(DEFAULTS),
      website: 'ftp://x',
      prefix: 'Bad',
      rotationDays: '400',
      graceDays: '',
      acl: '10.0.0.1/8',
    };
    const { input, errors } = validateCreate(state);
    expect(input).toBeNull();
    expect(errors).toEqual({
      name: 'Name is required',
      website: 'Website must be an absolute http(s) URL, e.g. https://example.com',
      prefix: 'Key prefix must be 2–8 characters of a–z and 0–9 ending in "_", e.g. "cb_"',
      rotationDays: 'Rotation period must be between 1 and 365',
      graceDays: 'Grace period must be a whole number',
      ipAcl: 'Line 1 is not a valid address or network.',
    });
  });

  it('refuses a name with invisible or bidi characters, as the engine and the CLI do', () => {
    for (const name of ['Pay\u200Bments', 'Bill\u202Egni', 'Billing\u2069']) {
      const { input, errors } = validateCreate({ ...newFormState(DEFAULTS), name, acl: '' });
      expect(input).toBeNull();
      expect(errors.name).toMatch(/^Name must not contain invisible or text-direction characters: U\+20/);
    }
  });

  it('needs the explicit confirmation for a key that never expires', () => {
    const state = { ...newFormState(DEFAULTS), name: 'Legacy', neverExpire: true };
    expect(validateCreate(state).errors.neverExpire).toMatch(/confirmation/);
    expect(validateCreate({ ...state, neverExpireConfirmed: true }).input?.neverExpire).toBe(true);
  });
});

describe('validateEdit', () => {
  it('sends only what changed, the allow list canonical', () => {
    const state = { ...editFormState(EXISTING), graceDays: '3', acl: '203.0.113.0/24\n198.51.100.7' };
    expect(validateEdit(state, EXISTING)).toMatchObject({
      patch: { graceDays: 3, ipAcl: ['203.0.113.0/24', '198.51.100.7/32'] },
      errors: {},
    });
    expect(validateEdit(editFormState(EXISTING), EXISTING).patch).toEqual({});
  });

  it('refuses what the engine would', () => {
    const state = { ...editFormState(EXISTING), name: '', rotationDays: '0' };
    const { patch, errors } = validateEdit(state, EXISTING);
    expect(patch).toBeNull();
    expect(errors).toMatchObject({
      name: 'Name is required',
      rotationDays: 'Rotation period must be between 1 and 365',
    });
  });
});
