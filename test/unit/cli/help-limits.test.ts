import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/program.ts';
import { REVOKE_LIMITS } from '../../../shared/domain/api-key.ts';
import { INTEGRATION_LIMITS } from '../../../shared/domain/integration.ts';
import { MASTER_PASSWORD_MIN_LENGTH } from '../../../shared/domain/master-password.ts';
import { SETTING_LIMITS } from '../../../shared/domain/settings.ts';
import { PREFIX_LENGTH, PREFIX_PATTERN } from '../../../shared/keys/key-prefix.ts';
import { noVaultDeps } from './no-vault-deps.ts';

// The ranges `keyward … --help` prints are the ones the domain's schemas check: each comes from
// shared/domain's limits, never a number typed into a help text (which would go stale the day a
// limit changes).

/** `keyward ARGS --help`, in process: what it prints on stdout. */
async function help(...args: string[]): Promise<string> {
  let out = '';
  const deps = noVaultDeps({
    argv: [...args, '--help'],
    stdout: { write: (text: string) => ((out += text), true) },
  });
  expect(await runCli(deps)).toBe(0);
  return out.replace(/\s+/g, ' '); // commander wraps long option lines
}

const range = (limits: { min: number; max: number }) => `${limits.min}–${limits.max}`;

describe('the limits in the CLI help', () => {
  it('integrations add/edit: rotation, grace, name, notes and prefix from the domain limits', async () => {
    for (const command of ['add', 'edit']) {
      const text = await help('integrations', command);
      expect(text).toContain(`rotation period, ${range(INTEGRATION_LIMITS.rotationDays)}`);
      expect(text).toContain(
        `grace for the old key after a rotation, ${range(INTEGRATION_LIMITS.graceDays)}`,
      );
      expect(text).toContain(`at most ${INTEGRATION_LIMITS.notesMax} characters`);
    }
    const add = await help('integrations', 'add');
    expect(add).toContain(`unique name, 1–${INTEGRATION_LIMITS.nameMax} characters`);
    expect(add).toContain(`key prefix: ${range(PREFIX_LENGTH)} of`);
  });

  it('keys revoke: the new key’s lifetime from the revoke limits', async () => {
    expect(await help('keys', 'revoke')).toContain(`(${range(REVOKE_LIMITS.lifetimeDays)} days`);
  });

  it('settings: every numeric setting’s range', async () => {
    const text = await help('settings');
    for (const [name, limits] of Object.entries(SETTING_LIMITS)) {
      expect(text, name).toMatch(new RegExp(`${name} ${range(limits)}\\b`));
    }
  });

  it('init and passwd: the master password’s minimum length', async () => {
    for (const command of ['init', 'passwd']) {
      expect(await help(command)).toContain(`${MASTER_PASSWORD_MIN_LENGTH} characters`);
    }
  });

  it('the prefix length is the one the prefix pattern allows', () => {
    const allowed = (length: number) => PREFIX_PATTERN.test(`${'a'.repeat(length - 1)}_`);
    expect(allowed(PREFIX_LENGTH.min)).toBe(true);
    expect(allowed(PREFIX_LENGTH.min - 1)).toBe(false);
    expect(allowed(PREFIX_LENGTH.max)).toBe(true);
    expect(allowed(PREFIX_LENGTH.max + 1)).toBe(false);
  });

  it('no command module types a numeric range into its text (ranges come from the limits)', () => {
    const dir = join(process.cwd(), 'electron', 'cli', 'commands');
    const typed: string[] = [];
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const match of source.matchAll(/\b\d+\s*[–-]\s*\d+\b/g)) {
        const line = source.slice(0, match.index).split('\n').length;
        const text = source.split('\n')[line - 1] ?? '';
        // `a–z 0–9` is a character class, not a limit; dates and the like are not ranges either.
        if (match[0] !== '0–9' && !/\d{4}-\d{2}-\d{2}|RFC|\/\/|^\s*\*/.test(text)) {
          typed.push(`${file}:${line}: ${match[0]}`);
        }
      }
    }
    expect(typed).toEqual([]);
  });
});
