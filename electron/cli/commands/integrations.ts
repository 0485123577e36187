import type { Command } from 'commander';
import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import type { Integration } from '../../../shared/domain/integration.ts';
import { DEFAULT_PREFIX, INTEGRATION_LIMITS, PLATFORMS } from '../../../shared/domain/integration.ts';
import { PREFIX_LENGTH } from '../../../shared/keys/key-prefix.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { ACCEPTED_CREDENTIALS } from '../../../shared/sync/accepted-credential.ts';
import type { AcceptedCredential } from '../../../shared/sync/accepted-credential.ts';
import type { KeywardEngine } from '../../vault/keyward-engine.ts';
import {
  addReauthOption,
  checkAgainstSchema,
  checkIpList,
  collectList,
  confirmationRequired,
  neverExpireUnconfirmed,
  wholeNumber,
} from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import { integrationCreateSchema, integrationEditSchema } from '../../../shared/domain/integration.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import {
  days,
  describeKeyEnd,
  integrationJson,
  keyJson,
  keyTable,
  NONE,
  printable,
  printableLine,
  table,
  TERMINAL_WIDTH,
} from '../present.ts';
import { describeRateLimit, rateLimitOption } from '../server-arguments.ts';
import { unlockEngine } from '../vault-access.ts';

/** The fields `add` and `edit` share. */
export interface IntegrationFieldOptions {
  name?: string;
  platform?: string;
  website?: string;
  ip?: string[];
  rotationDays?: number;
  graceDays?: number;
  notes?: string;
  accepts?: string;
  /** `N/SECONDS` or `none` (commander turns a parser's null into '', so it is parsed here). */
  rateLimit?: string;
}

/** `integrations add` options. */
export interface AddOptions extends IntegrationFieldOptions, ReauthFlags {
  prefix?: string;
  neverExpire?: boolean;
  confirmNeverExpire?: boolean;
}

/** `integrations edit` options. */
export interface EditOptions extends IntegrationFieldOptions {
  clearIp?: boolean;
}

/** `integrations list` options. */
export interface ListOptions {
  filter?: string;
}

/** `integrations delete` options. */
export interface DeleteOptions extends ReauthFlags {
  yes?: boolean;
}

const INTEGRATION_JSON = `{"id":"…","name":"…","platform":"server","website":null,"ipAcl":["10.0.0.0/8"],
   "prefix":"kw_","rotationDays":365,"graceDays":30,"neverExpire":false,"enabled":true,"notes":null,
   "accepts":"key-or-secret"|"secret-only"|"key-only","rateLimit":null|{"requests":100,"windowSeconds":60},
   "createdAt":"…","updatedAt":"…"}`;
const KEY_JSON = `{"id":"…","integrationId":"…","masked":"kw_AbC12…","status":"active",
   "createdAt":"…","expiresAt":"…"|null,"graceEndsAt":null,"endedAt":null,"lastUsedAt":null,
   "replacedBy":null}`;

const GROUP_HELP = `
An integration is one system that calls your API; it always has exactly one active key. INTEGRATION
is a name (case-insensitive) or an id.

  keyward integrations add --name Billing --platform server --ip 10.0.0.0/8
  keyward integrations list --filter bill
  keyward integrations show Billing

In --json output an integration is
  ${INTEGRATION_JSON}
and a key (masked; never its material)
  ${KEY_JSON}`;

const ADD_HELP = `
Creates an integration and issues its first key; prints both (the key masked). Unset fields take
the vault's defaults (settings defaultRotationDays, defaultGraceDays); the prefix is fixed for good.
--never-expire needs --confirm-never-expire and re-authentication (--totp CODE when the vault opens
with the remembered device key).

--json output:
  {"integration":{…},"key":{…}}     (shapes: keyward integrations --help)`;

const EDIT_HELP = `
Changes details and the IP allow-list; never key material (the prefix stays; never-expire has
\`keyward keys never-expire\`). --ip replaces the whole list; --clear-ip allows any address;
--website '' and --notes '' clear those. A new rotation period re-times the active key.

--json output:
  {"integration":{…}}`;

const LIST_HELP = `
One row per integration: name, platform, masked active key, status, when the active key expires,
when the soonest grace period ends, last use, creation. --filter matches the name or prefix
(case-insensitive, anywhere) or the exact platform.

--json output:
  {"integrations":[{…integration, "activeKey":{…key}|null, "status":"active"|"active, 1 in grace"|
                    "disabled"|"no active key", "expiresIn":"in 365 d"|"never"|null,
                    "graceEndsAt":"…"|null, "lastUsedAt":"…"|null}],"total":1}`;

const SHOW_HELP = `
One integration with every detail, and all its keys (newest first, masked).

--json output:
  {"integration":{…},"keys":[{…},…]}`;

const ENABLE_HELP = `
API access on (enable) or off (disable). Off: none of the integration's keys verify, but all are
kept, and turning it on again restores them as they were.

--json output:
  {"integration":{…}}`;

const DELETE_HELP = `
Deletes the integration and, at once, all its keys: they stop verifying immediately. Needs --yes,
and re-authentication (the master password, or --totp CODE when the vault opens with the
remembered device key). Cannot be undone except by restoring a backup.

--json output:
  {"deleted":true,"integration":{"id":"…","name":"…"},"keysEnded":2}`;

function fieldsFrom(options: IntegrationFieldOptions): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (options.name !== undefined) {
    fields['name'] = options.name;
  }
  if (options.platform !== undefined) {
    fields['platform'] = options.platform.trim().toLowerCase();
  }
  if (options.website !== undefined) {
    fields['website'] = options.website.trim() === '' ? null : options.website;
  }
  if (options.ip !== undefined) {
    fields['ipAcl'] = options.ip;
  }
  if (options.rotationDays !== undefined) {
    fields['rotationDays'] = options.rotationDays;
  }
  if (options.graceDays !== undefined) {
    fields['graceDays'] = options.graceDays;
  }
  if (options.notes !== undefined) {
    fields['notes'] = options.notes === '' ? null : options.notes;
  }
  if (options.accepts !== undefined) {
    fields['accepts'] = options.accepts.trim().toLowerCase();
  }
  if (options.rateLimit !== undefined) {
    fields['rateLimit'] = rateLimitOption(options.rateLimit);
  }
  return fields;
}

function describeAcl(acl: readonly string[]): string {
  return acl.length === 0 ? 'any address' : acl.join(', ');
}

/** What a verifier takes for the integration, in words. */
export function describeAccepts(accepts: AcceptedCredential): string {
  switch (accepts) {
    case 'key-or-secret':
      return 'the API key or a Secret';
    case 'secret-only':
      return 'a Secret only (a raw key is refused: SECRET_REQUIRED)';
    case 'key-only':
      return 'the API key only (Secrets are refused)';
  }
}

/** One integration's row facts, from its keys. */
interface IntegrationSummary {
  active: ApiKeyView | null;
  status: string;
  expiresIn: string | null;
  graceEndsAt: number | null;
  lastUsedAt: number | null;
}

function summarize(integration: Integration, keys: readonly ApiKeyView[], time: CliTime): IntegrationSummary {
  const active = keys.find((key) => key.status === 'active') ?? null;
  const graceEnds = keys.flatMap((key) =>
    key.status === 'grace' && key.graceEndsAt !== null ? [key.graceEndsAt] : [],
  );
  const used = keys.flatMap((key) => (key.lastUsedAt === null ? [] : [key.lastUsedAt]));
  const status = !integration.enabled
    ? 'disabled'
    : active === null
      ? 'no active key'
      : graceEnds.length > 0
        ? `active, ${graceEnds.length} in grace`
        : 'active';
  return {
    active,
    status,
    expiresIn: active === null ? null : active.expiresAt === null ? 'never' : time.relative(active.expiresAt),
    graceEndsAt: graceEnds.length > 0 ? Math.min(...graceEnds) : null,
    lastUsedAt: used.length > 0 ? Math.max(...used) : null,
  };
}

function groupKeys(keys: readonly ApiKeyView[]): Map<string, ApiKeyView[]> {
  const byIntegration = new Map<string, ApiKeyView[]>();
  for (const key of keys) {
    const list = byIntegration.get(key.integrationId);
    if (list === undefined) {
      byIntegration.set(key.integrationId, [key]);
    } else {
      list.push(key);
    }
  }
  return byIntegration;
}

/** Every integration matching `filter` (all pages of the search index), or all of them. */
function findIntegrations(engine: KeywardEngine, filter: string | undefined): Integration[] {
  if (filter === undefined || filter.trim() === '') {
    return engine.listIntegrations();
  }
  const found: Integration[] = [];
  for (;;) {
    const page = engine.searchIntegrations(filter, { offset: found.length, limit: 1000 });
    found.push(...page.items);
    if (page.items.length === 0 || found.length >= page.total) {
      return found;
    }
  }
}

function detailLines(integration: Integration, time: CliTime): string[] {
  const notes =
    integration.notes === null ? NONE : printable(integration.notes).replace(/\n/g, '\n             ');
  return [
    `Name:        ${printableLine(integration.name)}`,
    `Id:          ${integration.id}`,
    `Platform:    ${integration.platform}`,
    `Website:     ${integration.website === null ? NONE : printableLine(integration.website)}`,
    `IP ACL:      ${describeAcl(integration.ipAcl)}`,
    `Prefix:      ${integration.prefix}`,
    `Rotation:    ${integration.neverExpire ? 'never expires (no automatic rotation)' : `every ${days(integration.rotationDays)}`}`,
    `Grace:       ${days(integration.graceDays)}`,
    `API access:  ${integration.enabled ? 'enabled' : 'disabled (none of its keys verify)'}`,
    `Accepts:     ${describeAccepts(integration.accepts)}`,
    `Rate limit:  ${describeRateLimit(integration.rateLimit)}`,
    `Notes:       ${notes}`,
    `Created:     ${time.at(integration.createdAt)}`,
    `Updated:     ${time.at(integration.updatedAt)}`,
  ];
}

/** `integrations add`: creates an integration and its first key. */
export async function runAdd(context: CommandContext, options: AddOptions): Promise<CommandResult> {
  const neverExpire = options.neverExpire === true;
  if (neverExpire && options.confirmNeverExpire !== true) {
    throw neverExpireUnconfirmed('--confirm-never-expire');
  }
  const input = {
    ...fieldsFrom(options),
    ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    ...(neverExpire ? { neverExpire: true } : {}),
  };
  // Bad values fail here, before any password is asked for.
  checkAgainstSchema(integrationCreateSchema, input);
  checkIpList(options.ip);
  const { time } = await unlockEngine(
    context,
    neverExpire ? { reauth: { purpose: 'integrations add --never-expire', totp: options.totp } } : {},
  );
  const { integration, key } = context.engine.createIntegration(
    input,
    neverExpire ? { confirmNeverExpire: true } : {},
  );
  return {
    json: { integration: integrationJson(integration, time), key: keyJson(key, time) },
    lines: [
      `Added integration "${printableLine(integration.name)}" (${integration.platform}, id ${integration.id}).`,
      `First key: ${key.masked}  active, ${describeKeyEnd(key, time)}.`,
      `IP ACL: ${describeAcl(integration.ipAcl)}. Grace on rotation: ${days(integration.graceDays)}.`,
      `Accepts ${describeAccepts(integration.accepts)}; rate limit: ${describeRateLimit(integration.rateLimit)}.`,
      `Next: \`keyward secret "${printableLine(integration.name)}"\` prints a Secret; \`keyward keys copy\` copies one.`,
    ],
  };
}

/** `integrations edit`: details and IP ACL. */
export async function runEdit(
  context: CommandContext,
  ref: string,
  options: EditOptions,
): Promise<CommandResult> {
  if (options.clearIp === true && options.ip !== undefined) {
    throw new KeywardError('USAGE', 'Give either --ip or --clear-ip, not both.');
  }
  const patch = {
    ...fieldsFrom(options),
    ...(options.clearIp === true ? { ipAcl: [] } : {}),
  };
  if (Object.keys(patch).length === 0) {
    throw new KeywardError(
      'USAGE',
      'Nothing to change: give at least one of --name, --platform, --website, --ip, --clear-ip, --rotation-days, --grace-days, --notes, --accepts, --rate-limit.',
    );
  }
  checkAgainstSchema(integrationEditSchema, patch);
  checkIpList(options.ip);
  const { time } = await unlockEngine(context);
  const integration = context.engine.editIntegration(ref, patch);
  return {
    json: { integration: integrationJson(integration, time) },
    lines: [`Updated "${printableLine(integration.name)}".`, ...detailLines(integration, time)],
  };
}

/** `integrations list`: the key table, one row per integration. */
export async function runList(context: CommandContext, options: ListOptions): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const integrations = findIntegrations(context.engine, options.filter);
  const keys = groupKeys(context.engine.listKeys());
  const rows = integrations.map((integration) => ({
    integration,
    summary: summarize(integration, keys.get(integration.id) ?? [], time),
  }));
  const filtered = options.filter !== undefined && options.filter.trim() !== '';
  return {
    json: {
      integrations: rows.map(({ integration, summary }) => ({
        ...integrationJson(integration, time),
        activeKey: summary.active === null ? null : keyJson(summary.active, time),
        status: summary.status,
        expiresIn: summary.expiresIn,
        graceEndsAt: time.maybe(summary.graceEndsAt),
        lastUsedAt: time.maybe(summary.lastUsedAt),
      })),
      total: rows.length,
    },
    lines:
      rows.length === 0
        ? [
            filtered
              ? `No integration matches "${printableLine(options.filter ?? '')}".`
              : 'No integrations yet; add one with `keyward integrations add --name NAME --platform server`.',
          ]
        : [
            ...(context.wide
              ? table(
                  ['NAME', 'PLATFORM', 'KEY', 'STATUS', 'EXPIRES IN', 'GRACE ENDS', 'LAST USED', 'CREATED'],
                  rows.map(({ integration, summary }) => [
                    integration.name,
                    integration.platform,
                    summary.active?.masked ?? NONE,
                    summary.status,
                    summary.expiresIn ?? NONE,
                    summary.graceEndsAt === null ? NONE : time.at(summary.graceEndsAt),
                    summary.lastUsedAt === null ? NONE : time.at(summary.lastUsedAt),
                    time.at(integration.createdAt),
                  ]),
                )
              : table(
                  ['NAME', 'PLATFORM', 'KEY', 'STATUS', 'EXPIRES', 'LAST USED'],
                  rows.map(({ integration, summary }) => [
                    integration.name,
                    integration.platform,
                    summary.active?.masked ?? NONE,
                    summary.status,
                    summary.active === null
                      ? NONE
                      : summary.active.expiresAt === null
                        ? 'never'
                        : time.rough(summary.active.expiresAt),
                    summary.lastUsedAt === null ? 'never' : time.rough(summary.lastUsedAt),
                  ]),
                  { maxWidth: TERMINAL_WIDTH, flex: [0, 3] },
                )),
            `${rows.length} integration${rows.length === 1 ? '' : 's'}.`,
          ],
  };
}

/** `integrations show`: one integration and all its keys. */
export async function runShow(context: CommandContext, ref: string): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const integration = context.engine.integration(ref);
  const keys = context.engine.listKeys(integration.id);
  return {
    json: { integration: integrationJson(integration, time), keys: keys.map((key) => keyJson(key, time)) },
    lines: [
      ...detailLines(integration, time),
      '',
      `Keys (${keys.length}):`,
      ...keyTable(keys, time, () => integration.name, context.wide),
    ],
  };
}

/** `integrations enable` / `disable`: API access on or off. */
export async function runSetEnabled(
  context: CommandContext,
  ref: string,
  enabled: boolean,
): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const integration = context.engine.setIntegrationEnabled(ref, enabled);
  const name = printableLine(integration.name);
  return {
    json: { integration: integrationJson(integration, time) },
    lines: [
      enabled
        ? `API access for "${name}" is on: its active key (and any key in grace) verify again.`
        : `API access for "${name}" is off: none of its keys verify; they are kept.`,
    ],
  };
}

/** `integrations delete`: the integration and all its keys, after --yes and re-authentication. */
export async function runDelete(
  context: CommandContext,
  ref: string,
  options: DeleteOptions,
): Promise<CommandResult> {
  if (options.yes !== true) {
    throw confirmationRequired(
      `Deleting integration "${printableLine(ref.slice(0, 100))}" ends all its keys at once: every system using them is cut off.`,
      '--yes',
    );
  }
  await unlockEngine(context, {
    reauth: { purpose: 'integrations delete', totp: options.totp },
  });
  const integration = context.engine.integration(ref);
  const keysEnded = context.engine.listKeys(integration.id).length;
  context.engine.deleteIntegration(integration.id, true);
  return {
    json: { deleted: true, integration: { id: integration.id, name: integration.name }, keysEnded },
    lines: [
      `Deleted integration "${printableLine(integration.name)}" and its ${keysEnded} key${keysEnded === 1 ? '' : 's'}; none of them verify any more.`,
    ],
  };
}

// The ranges in the help come from the domain's limits (the schemas check the same ones).
const { rotationDays: ROTATION, graceDays: GRACE } = INTEGRATION_LIMITS;

function addFieldOptions(command: Command): Command {
  return command
    .option('--website <url>', 'an absolute http(s) URL')
    .option('--ip <cidr>', 'allowed address or CIDR; repeat or comma-separate (default: any)', collectList)
    .option(
      '--rotation-days <days>',
      `rotation period, ${ROTATION.min}–${ROTATION.max} (default: the vault setting)`,
      wholeNumber,
    )
    .option(
      '--grace-days <days>',
      `grace for the old key after a rotation, ${GRACE.min}–${GRACE.max}`,
      wholeNumber,
    )
    .option('--notes <text>', `free text, at most ${INTEGRATION_LIMITS.notesMax} characters`)
    .option(
      '--accepts <credential>',
      `what verifiers take: ${ACCEPTED_CREDENTIALS.join(', ')} (default key-or-secret)`,
    )
    .option(
      '--rate-limit <n/seconds>',
      'at most N verifications per SECONDS on the server, e.g. 100/60; none for no limit',
    );
}

/** Adds `integrations add|edit|list|show|enable|disable|delete` to the program. */
export function registerIntegrationsCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('integrations')
    .summary('add, edit, list, show, enable, disable or delete integrations')
    .description('Manage integrations: the systems that call your API, one active key each.')
    .addHelpText('after', GROUP_HELP);

  const add = group
    .command('add')
    .summary('create an integration and its first key')
    .description('Create an integration and issue its first key.')
    .requiredOption('--name <name>', `unique name, 1–${INTEGRATION_LIMITS.nameMax} characters`)
    .requiredOption('--platform <platform>', `one of ${PLATFORMS.join(', ')}`);
  addFieldOptions(add)
    .option(
      '--prefix <prefix>',
      `key prefix: ${PREFIX_LENGTH.min}–${PREFIX_LENGTH.max} of a–z 0–9 ending in "_" (default ${DEFAULT_PREFIX})`,
    )
    .option('--never-expire', 'the key never expires and is never rotated (needs --confirm-never-expire)')
    .option('--confirm-never-expire', 'confirm --never-expire');
  addReauthOption(add)
    .addHelpText('after', ADD_HELP)
    .action((options: AddOptions, command: Command) => run(command, (context) => runAdd(context, options)));

  const edit = group
    .command('edit')
    .summary('change details or the IP allow-list')
    .description('Edit an integration: details and IP allow-list, never key material.')
    .argument('<integration>', 'name or id')
    .option('--name <name>', 'a new unique name')
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')}`);
  addFieldOptions(edit)
    .option('--clear-ip', 'allow any address (empties the IP allow-list)')
    .addHelpText('after', EDIT_HELP)
    .action((ref: string, options: EditOptions, command: Command) =>
      run(command, (context) => runEdit(context, ref, options)),
    );

  group
    .command('list')
    .summary('the key table: one row per integration')
    .description('List integrations with their active key, status and dates.')
    .option('--filter <text>', 'only names or prefixes containing TEXT, or platform TEXT')
    .addHelpText('after', LIST_HELP)
    .action((options: ListOptions, command: Command) => run(command, (context) => runList(context, options)));

  group
    .command('show')
    .summary('one integration and all its keys')
    .description('Show one integration and all its keys.')
    .argument('<integration>', 'name or id')
    .addHelpText('after', SHOW_HELP)
    .action((ref: string, _options: unknown, command: Command) =>
      run(command, (context) => runShow(context, ref)),
    );

  for (const enabled of [true, false]) {
    group
      .command(enabled ? 'enable' : 'disable')
      .summary(enabled ? 'turn API access on' : 'turn API access off (keys are kept)')
      .description(
        enabled ? 'Turn API access on for an integration.' : 'Turn API access off: none of its keys verify.',
      )
      .argument('<integration>', 'name or id')
      .addHelpText('after', ENABLE_HELP)
      .action((ref: string, _options: unknown, command: Command) =>
        run(command, (context) => runSetEnabled(context, ref, enabled)),
      );
  }

  const remove = group
    .command('delete')
    .summary('delete an integration and all its keys (needs --yes and re-authentication)')
    .description('Delete an integration and, at once, all its keys.')
    .argument('<integration>', 'name or id')
    .option('--yes', 'confirm: all its keys stop verifying at once');
  addReauthOption(remove)
    .addHelpText('after', DELETE_HELP)
    .action((ref: string, options: DeleteOptions, command: Command) =>
      run(command, (context) => runDelete(context, ref, options)),
    );
}
