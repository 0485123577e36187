import { Argument, InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import { graceDaysSchema, lifetimeDaysSchema, REVOKE_LIMITS } from '../../../shared/domain/api-key.ts';
import { KeywardError } from '../../../shared/errors.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { addReauthOption, neverExpireUnconfirmed, wholeNumber } from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { days, describeKeyEnd, keyJson, keyTable, printableLine } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';
import { registerKeysCopyCommand } from './keys-copy.ts';
import { registerKeysGraceAndTestCommands } from './keys-grace-test.ts';

const { graceDays: GRACE, lifetimeDays: LIFETIME } = REVOKE_LIMITS;

/** `keys revoke` options. */
export interface RevokeCommandOptions extends ReauthFlags {
  grace: number;
  lifetime?: number | 'never';
  confirmNeverExpire?: boolean;
}

/** `keys never-expire` options. */
export interface NeverExpireOptions extends ReauthFlags {
  yes?: boolean;
}

const GROUP_HELP = `
Keys are shown masked (first 8 characters and "…"). INTEGRATION is a name or an id; KEY_ID is a
key's id (\`keyward keys list\`). Revealing, copying, revoking, regenerating, deleting, ending a
grace period and turning never-expire on need re-authentication: a command that opened the vault with the master password
has it; one that opened it with the remembered device key needs --totp CODE (or the master
password: --password-stdin, KEYWARD_PASSWORD, or a terminal prompt), else it fails with exit 3.

In --json output a key is
  {"id":"…","integrationId":"…","masked":"kw_AbC12…","status":"active"|"grace"|"expired"|"revoked",
   "createdAt":"…","expiresAt":"…"|null,"graceEndsAt":"…"|null,"endedAt":"…"|null,
   "lastUsedAt":"…"|null,"replacedBy":"…"|null}`;

const LIST_HELP = `
Every key of one integration (newest first), or of all: id, integration, masked key, status,
dates.

--json output:
  {"keys":[{…key, "integrationName":"…"}]}`;

const REVEAL_HELP = `
Prints the key itself on stdout, one line (the only command that does, besides \`secret\`, which
wraps it in a Secret). Needs re-authentication; logged as key.reveal. When stdout is a terminal a
warning goes to stderr: the key stays in the scrollback.

--json output:
  {"keyId":"…","integrationId":"…","status":"active","key":"kw_…"}`;

const ROTATE_HELP = `
Rotate now: issues a new active key; the old one keeps working for the integration's grace days,
then expires. No downtime.

--json output:
  {"integration":{"id":"…","name":"…"},"key":{…new key},"previous":{…old key}}`;

const REVOKE_HELP = `
For a security concern: a new active key now, and the old one keeps working for --grace days only
(0 = it stops at once: status revoked). --lifetime sets the new key's lifetime (${LIFETIME.min}–${LIFETIME.max} days, or
"never", which needs --confirm-never-expire); default: the integration's rotation period. Needs
re-authentication.

  keyward keys revoke Billing --grace 0
  keyward keys revoke Billing --grace 7 --lifetime 90

--json output:
  {"integration":{"id":"…","name":"…"},"key":{…new key},"previous":{…old key}}`;

const REGENERATE_HELP = `
Revoke with grace 0: the old key stops at once and a new one (usual lifetime) replaces it. Needs
re-authentication.

--json output:
  {"integration":{"id":"…","name":"…"},"key":{…new key},"previous":{…old key}}`;

const DELETE_HELP = `
Deletes an expired or revoked key for good. The active key cannot be deleted (it goes only with its
integration) and neither can a key in its grace period: both exit with code 5. Needs
re-authentication.

--json output:
  {"deleted":true,"keyId":"…","integrationId":"…"}`;

const NEVER_EXPIRE_HELP = `
on: the active key loses its expiry and is never rotated automatically (needs --yes and
re-authentication; logged). off: it expires again at its creation + rotation period, but no sooner
than 30 days from now.

--json output:
  {"integration":{"id":"…","name":"…","neverExpire":true},"key":{…active key}}`;

/**
 * A commander parser for a whole number of days checked against a domain schema (the one the engine
 * and the desktop use), so a value out of range is a usage error before any password is asked for.
 */
function schemaDays(schema: typeof graceDaysSchema): (value: string) => number {
  return (value) => {
    const parsed = schema.safeParse(wholeNumber(value));
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'out of range';
      throw new InvalidArgumentError(`${message[0]?.toUpperCase() ?? ''}${message.slice(1)}.`);
    }
    return parsed.data;
  };
}

const graceDays = schemaDays(graceDaysSchema);
const lifetimeDaysOnly = schemaDays(lifetimeDaysSchema);

function lifetime(value: string): number | 'never' {
  if (value.trim().toLowerCase() === 'never') {
    return 'never';
  }
  try {
    return lifetimeDaysOnly(value);
  } catch {
    // Not swallowed: restated as commander's usage error with the accepted values.
    throw new InvalidArgumentError(
      `It must be a whole number of days (${LIFETIME.min}–${LIFETIME.max}) or "never".`,
    );
  }
}

/** What a replacement (rotate, revoke, regenerate) prints. */
function replacementResult(
  verb: string,
  integration: Integration,
  next: ApiKeyView,
  previous: ApiKeyView,
  time: CliTime,
): CommandResult {
  return {
    json: {
      integration: { id: integration.id, name: integration.name },
      key: keyJson(next, time),
      previous: keyJson(previous, time),
    },
    lines: [
      `${verb} "${printableLine(integration.name)}".`,
      `New key:      ${next.masked}  active, ${describeKeyEnd(next, time)}.`,
      `Previous key: ${previous.masked}  ${previous.status}, ${describeKeyEnd(previous, time)}.`,
    ],
  };
}

/** `keys list [INTEGRATION]`. */
export async function runKeysList(context: CommandContext, ref: string | undefined): Promise<CommandResult> {
  const { engine } = context;
  const { time } = await unlockEngine(context);
  const one = ref === undefined ? null : engine.integration(ref);
  const integrations = one === null ? engine.listIntegrations() : [one];
  const names = new Map(integrations.map((integration) => [integration.id, integration.name]));
  const keys = one === null ? engine.listKeys() : engine.listKeys(one.id);
  const nameOf = (id: string): string => names.get(id) ?? id;
  return {
    json: {
      keys: keys.map((key) => ({ ...keyJson(key, time), integrationName: nameOf(key.integrationId) })),
    },
    lines:
      keys.length === 0
        ? ['No keys yet; `keyward integrations add` creates an integration and its first key.']
        : keyTable(keys, time, nameOf, context.wide),
  };
}

/** `keys reveal KEY_ID`: the key itself, after re-authentication. */
export async function runReveal(
  context: CommandContext,
  keyId: string,
  options: ReauthFlags,
): Promise<CommandResult> {
  await unlockEngine(context, {
    reauth: { purpose: 'keys reveal', totp: options.totp },
  });
  const key = context.engine.key(keyId);
  const material = context.engine.revealKey(key.id);
  if (context.stdoutIsTTY) {
    context.stderr.write(
      'keyward: warning: the key is shown on this terminal and stays in its scrollback; clear it when done.\n',
    );
  }
  return {
    json: { keyId: key.id, integrationId: key.integrationId, status: key.status, key: material },
    lines: [material],
  };
}

/** `keys rotate INTEGRATION`: a new key now; the old one in grace. */
export async function runRotate(context: CommandContext, ref: string): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const integration = context.engine.integration(ref);
  const old = context.engine.activeKey(integration.id);
  const next = context.engine.rotate(integration.id);
  return replacementResult('Rotated', integration, next, context.engine.key(old.id), time);
}

/** `keys revoke INTEGRATION --grace DAYS [--lifetime DAYS|never]`. */
export async function runRevoke(
  context: CommandContext,
  ref: string,
  options: RevokeCommandOptions,
): Promise<CommandResult> {
  if (options.lifetime === 'never' && options.confirmNeverExpire !== true) {
    throw neverExpireUnconfirmed('--confirm-never-expire');
  }
  // The engine's bounds, checked before any password is asked for.
  const { graceDays, lifetimeDays } = REVOKE_LIMITS;
  if (options.grace < graceDays.min || options.grace > graceDays.max) {
    throw new KeywardError('USAGE', `--grace must be between ${graceDays.min} and ${graceDays.max} days.`);
  }
  if (
    typeof options.lifetime === 'number' &&
    (options.lifetime < lifetimeDays.min || options.lifetime > lifetimeDays.max)
  ) {
    throw new KeywardError(
      'USAGE',
      `--lifetime must be between ${lifetimeDays.min} and ${lifetimeDays.max} days, or "never".`,
    );
  }
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'keys revoke', totp: options.totp },
  });
  const integration = context.engine.integration(ref);
  const old = context.engine.activeKey(integration.id);
  // Without --lifetime the new key lives as the integration's keys do (never, if it was set so).
  const newLifetimeDays =
    options.lifetime === undefined
      ? integration.neverExpire
        ? null
        : integration.rotationDays
      : options.lifetime === 'never'
        ? null
        : options.lifetime;
  const next = context.engine.revoke(integration.id, {
    graceDays: options.grace,
    newLifetimeDays,
    confirmNeverExpire: newLifetimeDays === null,
  });
  return replacementResult('Revoked the key of', integration, next, context.engine.key(old.id), time);
}

/** `keys regenerate INTEGRATION`: revoke with grace 0. */
export async function runRegenerate(
  context: CommandContext,
  ref: string,
  options: ReauthFlags,
): Promise<CommandResult> {
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'keys regenerate', totp: options.totp },
  });
  const integration = context.engine.integration(ref);
  const old = context.engine.activeKey(integration.id);
  const next = context.engine.regenerate(integration.id);
  return replacementResult('Regenerated the key of', integration, next, context.engine.key(old.id), time);
}

/** `keys delete KEY_ID`: an expired or revoked key. */
export async function runKeyDelete(
  context: CommandContext,
  keyId: string,
  options: ReauthFlags,
): Promise<CommandResult> {
  await unlockEngine(context, {
    reauth: { purpose: 'keys delete', totp: options.totp },
  });
  const key = context.engine.key(keyId);
  context.engine.deleteKey(key.id);
  return {
    json: { deleted: true, keyId: key.id, integrationId: key.integrationId },
    lines: [`Deleted key ${key.id} (${key.masked}, ${key.status}).`],
  };
}

/** `keys never-expire INTEGRATION on|off`. */
export async function runNeverExpire(
  context: CommandContext,
  ref: string,
  state: 'on' | 'off',
  options: NeverExpireOptions,
): Promise<CommandResult> {
  const on = state === 'on';
  if (on && options.yes !== true) {
    throw neverExpireUnconfirmed('--yes');
  }
  const { time } = await unlockEngine(
    context,
    on ? { reauth: { purpose: 'keys never-expire on', totp: options.totp } } : {},
  );
  const integration = context.engine.setNeverExpire(context.engine.integration(ref).id, on, on);
  const active = context.engine.activeKey(integration.id);
  return {
    json: {
      integration: { id: integration.id, name: integration.name, neverExpire: integration.neverExpire },
      key: keyJson(active, time),
    },
    lines: [
      on
        ? `The key of "${printableLine(integration.name)}" now never expires and is not rotated automatically.`
        : `The key of "${printableLine(integration.name)}" expires again (rotation every ${days(integration.rotationDays)}).`,
      `Active key: ${active.masked}  ${describeKeyEnd(active, time)}.`,
    ],
  };
}

/** Adds `keys list|reveal|copy|rotate|revoke|regenerate|delete|end-grace|test|never-expire` to the program. */
export function registerKeysCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('keys')
    .summary('list, reveal, copy, test, rotate, revoke, regenerate, delete keys; end grace; never-expire')
    .description('Work with API keys: the lifecycle of each integration’s keys.')
    .addHelpText('after', GROUP_HELP);

  group
    .command('list')
    .summary('keys of one integration, or of all (masked)')
    .description('List keys, masked.')
    .argument('[integration]', 'name or id (default: every integration)')
    .addHelpText('after', LIST_HELP)
    .action((ref: string | undefined, _options: unknown, command: Command) =>
      run(command, (context) => runKeysList(context, ref)),
    );

  addReauthOption(
    group
      .command('reveal')
      .summary('print a key itself (needs re-authentication)')
      .description('Print a key’s material on stdout.')
      .argument('<key-id>', 'the key’s id (keyward keys list)'),
  )
    .addHelpText('after', REVEAL_HELP)
    .action((keyId: string, options: ReauthFlags, command: Command) =>
      run(command, (context) => runReveal(context, keyId, options)),
    );

  registerKeysCopyCommand(group, run);

  group
    .command('rotate')
    .summary('a new key now; the old one keeps working for the grace days')
    .description('Rotate an integration’s key now.')
    .argument('<integration>', 'name or id')
    .addHelpText('after', ROTATE_HELP)
    .action((ref: string, _options: unknown, command: Command) =>
      run(command, (context) => runRotate(context, ref)),
    );

  addReauthOption(
    group
      .command('revoke')
      .summary('replace the key for a security concern, with the grace you choose')
      .description('Revoke an integration’s key: a new key now, the old one for --grace days.')
      .argument('<integration>', 'name or id')
      .requiredOption(
        '--grace <days>',
        `days the old key keeps working, ${GRACE.min}–${GRACE.max} (0 = stops at once)`,
        graceDays,
      )
      .option(
        '--lifetime <days>',
        `the new key’s lifetime: ${LIFETIME.min}–${LIFETIME.max} days or "never"`,
        lifetime,
      )
      .option('--confirm-never-expire', 'confirm --lifetime never'),
  )
    .addHelpText('after', REVOKE_HELP)
    .action((ref: string, options: RevokeCommandOptions, command: Command) =>
      run(command, (context) => runRevoke(context, ref, options)),
    );

  addReauthOption(
    group
      .command('regenerate')
      .summary('revoke with grace 0: the old key stops at once')
      .description('Regenerate an integration’s key: the old one stops at once.')
      .argument('<integration>', 'name or id'),
  )
    .addHelpText('after', REGENERATE_HELP)
    .action((ref: string, options: ReauthFlags, command: Command) =>
      run(command, (context) => runRegenerate(context, ref, options)),
    );

  addReauthOption(
    group
      .command('delete')
      .summary('delete an expired or revoked key')
      .description('Delete an expired or revoked key.')
      .argument('<key-id>', 'the key’s id (keyward keys list)'),
  )
    .addHelpText('after', DELETE_HELP)
    .action((keyId: string, options: ReauthFlags, command: Command) =>
      run(command, (context) => runKeyDelete(context, keyId, options)),
    );

  registerKeysGraceAndTestCommands(group, run);

  addReauthOption(
    group
      .command('never-expire')
      .summary('on: the key never expires (needs --yes); off: it expires again')
      .description('Turn never-expire on or off for an integration’s key.')
      .argument('<integration>', 'name or id')
      .addArgument(new Argument('<state>', 'on or off').choices(['on', 'off']))
      .option('--yes', 'confirm turning never-expire on'),
  )
    .addHelpText('after', NEVER_EXPIRE_HELP)
    .action((ref: string, state: 'on' | 'off', options: NeverExpireOptions, command: Command) =>
      run(command, (context) => runNeverExpire(context, ref, state, options)),
    );
}
