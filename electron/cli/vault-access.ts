import { KeywardError } from '../../shared/errors.ts';
import type { KeywardEngine } from '../vault/keyward-engine.ts';
import type { UnlockMethod } from '../vault/vault.ts';
import type { CommandContext } from './cli-context.ts';
import { readScheduleFile } from '../vault/schedule/schedule-file.ts';
import { PASSWORD_ENV } from './password-source.ts';
import { CliTime } from './present.ts';

/**
 * Runs `remember` (the engine's: re-authentication guarded and logged). A missing keychain stays
 * KEYCHAIN_UNAVAILABLE, with `done` saying what did succeed before it (the vault was created, the
 * password was right).
 */
export async function rememberOnThisDevice(done: string, remember: () => Promise<unknown>): Promise<void> {
  try {
    await remember();
  } catch (error) {
    if (error instanceof KeywardError && error.code === 'KEYCHAIN_UNAVAILABLE') {
      throw new KeywardError('KEYCHAIN_UNAVAILABLE', `${done}, but it was not remembered: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** How a command wants the vault opened. */
export interface UnlockOptions {
  /**
   * The command runs an operation docs/domain-rules.md puts behind re-authentication (reveal, copy, revoke,
   * regenerate, delete, never-expire, …). `purpose` names the command in the error message.
   */
  reauth?: {
    purpose: string;
    totp?: string | undefined;
    passwordOnly?: boolean;
    /**
     * Ask only if the engine does: a password unlock still counts as the re-authentication, but
     * after a keychain unlock nothing is asked until the command meets REAUTH_REQUIRED (see
     * {@link retryAfterReauth}) — for commands that need it only for some values (`settings set`).
     */
    onlyIfAsked?: boolean;
  };
}

/** How the engine was opened, and how this command prints time. */
export interface UnlockedVault {
  method: UnlockMethod;
  /** Timestamps in UTC when `--utc` or the vault's `utc` setting is on, local time otherwise. */
  time: CliTime;
}

function canFallBackToPassword(error: unknown): error is KeywardError {
  return (
    error instanceof KeywardError &&
    (error.code === 'NOT_REMEMBERED' || error.code === 'KEYCHAIN_UNAVAILABLE')
  );
}

/**
 * How this command prints time: UTC with `--utc` or the vault's `utc` setting (once the vault is
 * open, from its settings; for commands that never unlock — pass `null` — from the schedule file);
 * local time with offset otherwise.
 */
export function timeFor(context: CommandContext, unlocked: KeywardEngine | null): CliTime {
  const utc = context.utc || (unlocked === null ? utcFromScheduleFile(context) : unlocked.settings().utc);
  return new CliTime(utc, context.now());
}

/**
 * The vault's `utc` setting as the unencrypted schedule file last recorded it, for the commands
 * that never unlock (`status`, `backup list`, `notices --locked`); false when there is no file.
 */
function utcFromScheduleFile(context: CommandContext): boolean {
  try {
    return readScheduleFile(context.engine.vault.files.schedule).utc === true;
  } catch {
    return false; // no schedule file yet (or a damaged one, which `notices --locked` reports): local time
  }
}

/**
 * Opens this process's engine, the one way every command does: with the master password when one
 * is given (`--password-stdin`, KEYWARD_PASSWORD), else with the device key remembered in the OS
 * keychain, else with the master password from a terminal prompt. Unlocking runs the scheduler's
 * catch-up (due rotations, grace ends, notices, the daily backup).
 *
 * With `reauth`: a password unlock counts as the re-authentication (it was typed just now). A
 * keychain unlock proved nothing about who is at the keyboard, so then it takes `--totp CODE`
 * (unless `passwordOnly`), or the master password from a terminal prompt; with neither, the
 * command fails with REAUTH_REQUIRED (exit 3) before anything is changed.
 */
export async function unlockEngine(
  context: CommandContext,
  options: UnlockOptions = {},
): Promise<UnlockedVault> {
  const { engine, passwords } = context;
  engine.requireVault();
  const countsAsReauth = options.reauth !== undefined;
  let method: UnlockMethod = 'password';
  if (passwords.supplied) {
    await engine.unlockWithPassword(await passwords.current(), { countsAsReauth });
  } else {
    try {
      await engine.unlockWithKeychain();
      method = 'keychain';
    } catch (error) {
      if (!canFallBackToPassword(error)) {
        throw error;
      }
      await engine.unlockWithPassword(await passwords.current(error.message), { countsAsReauth });
    }
  }
  if (method === 'keychain' && options.reauth !== undefined && options.reauth.onlyIfAsked !== true) {
    await reauthenticateAfterKeychain(context, options.reauth);
  }
  return { method, time: timeFor(context, engine) };
}

/**
 * Runs `action`; when the engine answers REAUTH_REQUIRED (a keychain unlock with
 * `reauth.onlyIfAsked`), confirms it is the owner as {@link unlockEngine} would have — `--totp`,
 * a terminal prompt, or REAUTH_REQUIRED (exit 3) with what to do — and runs it once more.
 */
export async function retryAfterReauth<T>(
  context: CommandContext,
  reauth: NonNullable<UnlockOptions['reauth']>,
  action: () => T | Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof KeywardError && error.code === 'REAUTH_REQUIRED')) {
      throw error;
    }
  }
  await reauthenticateAfterKeychain(context, reauth);
  return await action();
}

async function reauthenticateAfterKeychain(
  context: CommandContext,
  reauth: NonNullable<UnlockOptions['reauth']>,
): Promise<void> {
  const { engine } = context;
  if (reauth.totp !== undefined && !reauth.passwordOnly) {
    await engine.reauthenticate({ totp: reauth.totp });
    return;
  }
  if (context.passwords.canPrompt) {
    const password = await context.prompt('Master password (to confirm it is you): ');
    await engine.reauthenticate({ password });
    return;
  }
  const how = reauth.passwordOnly
    ? `give the master password (--password-stdin or ${PASSWORD_ENV}) or run it on a terminal`
    : `give --totp CODE from your authenticator, or the master password (--password-stdin or ${PASSWORD_ENV}), or run it on a terminal`;
  throw new KeywardError(
    'REAUTH_REQUIRED',
    `\`keyward ${reauth.purpose}\` needs you to confirm it is you, and the vault was opened with the key remembered on this device: ${how}. Nothing was changed.`,
  );
}
