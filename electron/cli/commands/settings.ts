import type { Command } from 'commander';
import {
  DEFAULT_SETTINGS,
  SETTING_LIMITS,
  settingsPatchSchema,
  WEAKENABLE_SETTINGS,
} from '../../../shared/domain/settings.ts';
import type { SettingName, Settings } from '../../../shared/domain/settings.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { quoteSafely } from '../../../shared/keys/redact.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { addReauthOption, checkAgainstSchema } from '../arguments.ts';
import { table, TERMINAL_WIDTH } from '../present.ts';
import { retryAfterReauth, unlockEngine } from '../vault-access.ts';

/** A setting's range as the help shows it (`min–max`), from the domain's limits. */
function range(name: keyof typeof SETTING_LIMITS): string {
  return `${SETTING_LIMITS[name].min}–${SETTING_LIMITS[name].max}`;
}

/** Every setting, what it means, and how a value is written on the command line. */
const SETTINGS: Record<SettingName, { meaning: string; values: string }> = {
  utc: { meaning: 'timestamps in UTC (…Z) everywhere, else local time with offset', values: 'true | false' },
  clipboardClearSeconds: {
    meaning: 'seconds before a copied Secret or key is cleared from the clipboard',
    values: `${range('clipboardClearSeconds')} | never`,
  },
  autoLockMinutes: {
    meaning: 'idle minutes before the desktop app locks',
    values: `${range('autoLockMinutes')} | never (0)`,
  },
  noticeLeadDays: {
    meaning: 'days before a key expires that the first notice fires',
    values: range('noticeLeadDays'),
  },
  defaultRotationDays: {
    meaning: 'rotation period for new integrations',
    values: range('defaultRotationDays'),
  },
  defaultGraceDays: { meaning: 'grace period for new integrations', values: range('defaultGraceDays') },
  secretLifetimeHours: { meaning: 'lifetime of a minted Secret', values: range('secretLifetimeHours') },
  reauthWindowSeconds: {
    meaning: 'how long a re-authentication stays fresh (0 = every time)',
    values: range('reauthWindowSeconds'),
  },
  theme: { meaning: 'colour theme of the desktop app', values: 'system | light | dark' },
};

const NAMES = Object.keys(SETTINGS) as SettingName[];

/** What "never" means for the settings that have it. */
const NEVER: Partial<Record<SettingName, number | null>> = {
  clipboardClearSeconds: null,
  autoLockMinutes: 0,
};

const GROUP_HELP = `
The vault's settings (stored inside the encrypted vault, shared with the desktop app):
${NAMES.map((name) => `  ${name.padEnd(22)} ${SETTINGS[name].values.padEnd(22)} ${SETTINGS[name].meaning}`).join('\n')}`;

const GET_HELP = `
Without NAME: every setting with its value and default. With NAME: just the value (for scripts).

--json output:
  settings get        {"settings":{"utc":false,"clipboardClearSeconds":30,…}}
  settings get NAME   {"name":"utc","value":false}`;

const SET_HELP = `
Sets one setting. Values: true/false (also on/off, yes/no) for utc; whole numbers; "never" for
clipboardClearSeconds (never cleared) and autoLockMinutes (0); a word for theme. A value outside
the setting's range is a usage error (exit 2) naming the range; nothing is changed. Logged as
settings.change.

A change that weakens a protection — a longer re-authentication window, clipboard clearing off or
later, auto-lock off or later, a longer Secret lifetime — needs you to confirm it is you: a master
password given for this command counts; after an unlock with the remembered device key it takes
--totp CODE or the master password at a prompt, else exit 3 (REAUTH_REQUIRED) and nothing changes.

  keyward settings set utc true
  keyward settings set clipboardClearSeconds 45

--json output:
  {"name":"utc","value":true,"previous":false,"changed":true}`;

function settingName(text: string): SettingName {
  const name = NAMES.find((candidate) => candidate.toLowerCase() === text.trim().toLowerCase());
  if (name === undefined) {
    throw new KeywardError(
      'USAGE',
      `There is no setting "${quoteSafely(text, 40)}"; the settings are ${NAMES.join(', ')}.`,
    );
  }
  return name;
}

/** A command-line value as the setting's type: booleans, numbers, never/null, or the text itself. */
export function parseSettingValue(name: SettingName, text: string): unknown {
  const value = text.trim();
  const lower = value.toLowerCase();
  if (typeof DEFAULT_SETTINGS[name] === 'boolean') {
    if (['true', 'on', 'yes', '1'].includes(lower)) {
      return true;
    }
    if (['false', 'off', 'no', '0'].includes(lower)) {
      return false;
    }
    throw new KeywardError('INVALID_INPUT', `${name}: must be true or false.`);
  }
  if (typeof DEFAULT_SETTINGS[name] === 'number') {
    if (lower === 'never' || lower === 'null') {
      return name in NEVER ? NEVER[name] : null;
    }
    if (/^[+-]?\d+(\.\d+)?$/.test(value)) {
      return Number(value);
    }
  }
  return value;
}

function show(name: SettingName, value: Settings[SettingName]): string {
  if (value === null || (name === 'autoLockMinutes' && value === 0)) {
    return 'never';
  }
  return String(value);
}

/** `settings get [NAME]`. */
export async function runSettingsGet(
  context: CommandContext,
  nameText: string | undefined,
): Promise<CommandResult> {
  const name = nameText === undefined ? undefined : settingName(nameText);
  await unlockEngine(context);
  const settings = context.engine.settings();
  if (name !== undefined) {
    return { json: { name, value: settings[name] }, lines: [show(name, settings[name])] };
  }
  return {
    json: { settings },
    lines: table(
      ['NAME', 'VALUE', 'DEFAULT', 'VALUES', 'MEANING'],
      NAMES.map((each) => [
        each,
        show(each, settings[each]),
        show(each, DEFAULT_SETTINGS[each]),
        SETTINGS[each].values,
        SETTINGS[each].meaning,
      ]),
      context.wide ? {} : { maxWidth: TERMINAL_WIDTH, flex: [3, 4] },
    ),
  };
}

/** `settings set NAME VALUE`. */
export async function runSettingsSet(
  context: CommandContext,
  nameText: string,
  valueText: string,
  options: { totp?: string } = {},
): Promise<CommandResult> {
  const name = settingName(nameText);
  const value = parseSettingValue(name, valueText);
  checkAgainstSchema(settingsPatchSchema, { [name]: value }); // out of range: before any password
  const reauth = { purpose: 'settings set', totp: options.totp, onlyIfAsked: true };
  await unlockEngine(context, WEAKENABLE_SETTINGS.includes(name) ? { reauth } : {});
  const previous = context.engine.settings()[name];
  const next = (
    await retryAfterReauth(context, reauth, () => context.engine.updateSettings({ [name]: value }))
  )[name];
  const changed = JSON.stringify(previous) !== JSON.stringify(next);
  return {
    json: { name, value: next, previous, changed },
    lines: [
      changed
        ? `${name}: ${show(name, previous)} → ${show(name, next)}`
        : `${name} is already ${show(name, next)}; nothing changed.`,
    ],
  };
}

/** Adds `settings get|set` to the program. */
export function registerSettingsCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('settings')
    .summary('show or change the vault’s settings')
    .description('Show or change the vault’s settings.')
    .addHelpText('after', GROUP_HELP);

  group
    .command('get')
    .summary('every setting, or the value of one')
    .description('Show the settings.')
    .argument('[name]', 'one setting')
    .addHelpText('after', GET_HELP)
    .action((name: string | undefined, _options: unknown, command: Command) =>
      run(command, (context) => runSettingsGet(context, name)),
    );

  addReauthOption(
    group
      .command('set')
      .summary('change one setting')
      .description('Change one setting.')
      .argument('<name>', 'the setting')
      .argument('<value>', 'its new value'),
  )
    .addHelpText('after', SET_HELP)
    .action((name: string, value: string, options: { totp?: string }, command: Command) =>
      run(command, (context) => runSettingsSet(context, name, value, options)),
    );
}
