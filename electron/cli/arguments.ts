import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { z } from 'zod';
import { describeIssue } from '../../shared/domain/issue-message.ts';
import { KeywardError } from '../../shared/errors.ts';
import { canonicalAcl } from '../../shared/net/cidr.ts';

/** A commander value parser for a whole number (`--grace 7`); anything else is a usage error. */
export function wholeNumber(value: string): number {
  if (!/^\s*-?\d{1,9}\s*$/.test(value)) {
    throw new InvalidArgumentError('It must be a whole number.');
  }
  return Number(value);
}

/**
 * A commander collector for a repeatable list option (`--ip 10.0.0.0/8 --ip ::1` or
 * `--ip 10.0.0.0/8,::1`): every occurrence is split on commas and added, blanks dropped.
 */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}

/** The `--totp CODE` option of the commands that need re-authentication. */
export function addReauthOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--totp <code>',
      'an authenticator code, to confirm it is you when the vault opens with the remembered device key',
    ).argParser(totpCode),
  );
}

/** A commander value parser for `--totp`: six digits, checked before any password is asked for. */
export function totpCode(value: string): string {
  const code = value.trim().replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    throw new InvalidArgumentError('It must be the 6-digit code your authenticator shows.');
  }
  return code;
}

/** The usage error for a missing confirmation flag: says what would happen and which flag to add. */
export function confirmationRequired(what: string, flag: string): KeywardError {
  return new KeywardError('USAGE', `${what} Add ${flag} to confirm; nothing was changed.`);
}

/** The usage error for a key that would never expire without its confirmation `flag`. */
export function neverExpireUnconfirmed(flag: string): KeywardError {
  return confirmationRequired(
    'A key that never expires is never rotated: if it leaks, it stays valid until someone revokes it.',
    flag,
  );
}

/** Options of a command with `--totp`. */
export interface ReauthFlags {
  totp?: string;
}

/**
 * Checks `input` against the engine's own schema before any password is asked for, so a bad flag
 * value is a usage error at once (exit 2), in the schema's words. The engine checks again.
 */
export function checkAgainstSchema(schema: z.ZodType, input: unknown): void {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new KeywardError('USAGE', describeIssue(parsed.error.issues[0]));
  }
}

/** Checks `--ip` entries (CIDR or addresses) before any password is asked for. */
export function checkIpList(entries: readonly string[] | undefined): void {
  if (entries === undefined) {
    return;
  }
  const result = canonicalAcl(entries);
  if (!result.ok) {
    throw new KeywardError('USAGE', `--ip: ${result.error.message}`);
  }
}
