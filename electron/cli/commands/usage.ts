import type { Command } from 'commander';
import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import type { IntegrationUsage, KeyUsage, UsageCall } from '../../../shared/sync/usage.ts';
import { USAGE_DAYS } from '../../../shared/sync/usage.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { NONE, printableLine, table, TERMINAL_WIDTH } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';

const DAY_MS = 86_400_000;

const HELP = `
Usage of one integration's keys as the connected Keyward server logged it (INTEGRATION is a name or
an id): per key, when it was last used, a ${USAGE_DAYS}-day sparkline of accepted calls (oldest day left)
and its calls in the last 24 h; the most recent calls with time, client IP, key and outcome (OK,
or the refusal: KEY_REVOKED, IP_NOT_ALLOWED, RATE_LIMITED, … — e.g. someone still calling with a
revoked key; alike calls within one second are one line, ×N). During a grace period, the old key's last call and its calls in the last 24 h; when it
has had none for a day, \`keyward keys end-grace KEY_ID\` ends its grace now. Also brings the vault's
"last used" up to date. Without a server: exit 5 (NOT_CONNECTED).

--json output:
  {"integration":{"id":"…","name":"…"},"server":"https://…","until":"…",
   "keys":[{"id":"…","masked":"kw_AbC12…","status":"active","lastUsedAt":"…"|null,
            "daily":[0,…,12] (${USAGE_DAYS} days, oldest first),"callsLast24h":12}],
   "grace":[{"keyId":"…","masked":"…","graceEndsAt":"…","lastCallAt":"…"|null,"callsLast24h":0,
             "canEndGrace":true}],
   "recent":[{"at":"…","clientIp":"203.0.113.7","keyId":"…"|null,"masked":"…"|null,"outcome":"OK",
              "calls":1 (alike calls within that second, counted once)}]}`;

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A sparkline of daily counts, one character a day: `·` for a day with no calls, else a block
 * whose height is the day's share of the busiest day (any call at all shows at least `▁`).
 */
export function sparkline(daily: readonly number[]): string {
  const max = Math.max(0, ...daily);
  return daily
    .map((count) =>
      count <= 0
        ? '·'
        : (BLOCKS[Math.min(BLOCKS.length, Math.ceil((count / max) * BLOCKS.length)) - 1] ?? '▁'),
    )
    .join('');
}

function emptyUsage(keyId: string): KeyUsage {
  return { keyId, lastUsedAt: null, daily: new Array<number>(USAGE_DAYS).fill(0), callsLast24h: 0 };
}

/** The last call naming `keyId`, whatever its outcome: the later of its last accepted use and its newest recent call. */
function lastCall(keyId: string, usage: KeyUsage, recent: readonly UsageCall[]): number | null {
  const times = [
    ...(usage.lastUsedAt === null ? [] : [usage.lastUsedAt]),
    ...recent.filter((call) => call.keyId === keyId).map((call) => call.at),
  ];
  return times.length === 0 ? null : Math.max(...times);
}

/** What the grace section says about one key in grace. */
interface GraceReport {
  key: ApiKeyView;
  lastCallAt: number | null;
  callsLast24h: number;
  canEndGrace: boolean;
}

function graceReports(
  keys: readonly ApiKeyView[],
  usageOf: (keyId: string) => KeyUsage,
  summary: IntegrationUsage,
): GraceReport[] {
  return keys
    .filter((key) => key.status === 'grace')
    .map((key) => {
      const usage = usageOf(key.id);
      const lastCallAt = lastCall(key.id, usage, summary.recent);
      return {
        key,
        lastCallAt,
        callsLast24h: usage.callsLast24h,
        // No call for a full day: nobody needs it any more, so its grace can end now.
        canEndGrace:
          usage.callsLast24h === 0 && (lastCallAt === null || summary.until - lastCallAt >= DAY_MS),
      };
    });
}

function calls(n: number): string {
  return n === 1 ? '1 call' : `${n} calls`;
}

/** `usage INTEGRATION`. */
export async function runUsage(context: CommandContext, ref: string): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const integration = context.engine.integration(ref);
  const summary = await context.engine.integrationUsage(integration.id);
  // Read after the summary: it brings the vault's "last used" up to date.
  const keys = context.engine.listKeys(integration.id);
  const server = context.engine.serverStatus().server?.url ?? null;
  const byId = new Map(summary.keys.map((usage) => [usage.keyId, usage]));
  const usageOf = (keyId: string) => byId.get(keyId) ?? emptyUsage(keyId);
  const maskedOf = new Map(keys.map((key) => [key.id, key.masked]));
  const grace = graceReports(keys, usageOf, summary);
  const lastUsed = (key: ApiKeyView): number | null => {
    const fromServer = usageOf(key.id).lastUsedAt;
    return fromServer === null ? key.lastUsedAt : Math.max(fromServer, key.lastUsedAt ?? 0);
  };
  const when = (ms: number | null) => (ms === null ? 'never' : context.wide ? time.at(ms) : time.short(ms));
  const name = printableLine(integration.name);

  const lines = [
    `Usage of "${name}" from ${printableLine(server ?? 'the server')}, as of ${time.at(summary.until)}:`,
    '',
    ...table(
      ['KEY', 'STATUS', 'LAST USED', `${USAGE_DAYS} DAYS`, '24 H'],
      keys.map((key) => [
        key.masked,
        key.status,
        when(lastUsed(key)),
        sparkline(usageOf(key.id).daily),
        String(usageOf(key.id).callsLast24h),
      ]),
      context.wide ? {} : { maxWidth: TERMINAL_WIDTH, flex: [1] },
    ),
  ];
  for (const report of grace) {
    lines.push(
      '',
      `Old key in grace: ${report.key.masked}, accepted until ${report.key.graceEndsAt === null ? '?' : time.at(report.key.graceEndsAt)}.`,
      `  Last call ${report.lastCallAt === null ? 'never' : `${time.at(report.lastCallAt)} (${time.relative(report.lastCallAt)})`}; ${calls(report.callsLast24h)} in the last 24 h.`,
    );
    if (report.canEndGrace) {
      lines.push(
        '  No calls for a day: if nothing still uses it, end its grace now:',
        `    keyward keys end-grace ${report.key.id}`,
      );
    }
  }
  lines.push('');
  if (summary.recent.length === 0) {
    lines.push('No calls logged yet.');
  } else {
    lines.push(
      `Recent calls (newest first, ${summary.recent.length}):`,
      ...table(
        ['TIME', 'IP', 'KEY', 'OUTCOME'],
        summary.recent.map((call) => [
          context.wide ? time.at(call.at) : time.short(call.at),
          call.clientIp,
          call.keyId === null ? NONE : (maskedOf.get(call.keyId) ?? call.keyId),
          call.calls === undefined ? call.outcome : `${call.outcome} ×${call.calls}`,
        ]),
        context.wide ? {} : { maxWidth: TERMINAL_WIDTH, flex: [2] },
      ),
    );
  }

  return {
    json: {
      integration: { id: integration.id, name: integration.name },
      server,
      until: time.at(summary.until),
      keys: keys.map((key) => ({
        id: key.id,
        masked: key.masked,
        status: key.status,
        lastUsedAt: time.maybe(lastUsed(key)),
        daily: usageOf(key.id).daily,
        callsLast24h: usageOf(key.id).callsLast24h,
      })),
      grace: grace.map((report) => ({
        keyId: report.key.id,
        masked: report.key.masked,
        graceEndsAt: time.maybe(report.key.graceEndsAt),
        lastCallAt: time.maybe(report.lastCallAt),
        callsLast24h: report.callsLast24h,
        canEndGrace: report.canEndGrace,
      })),
      recent: summary.recent.map((call) => ({
        at: time.at(call.at),
        clientIp: call.clientIp,
        keyId: call.keyId,
        masked: call.keyId === null ? null : (maskedOf.get(call.keyId) ?? null),
        outcome: call.outcome,
        calls: call.calls ?? 1,
      })),
    },
    lines,
  };
}

/** Adds `usage` to the program. */
export function registerUsageCommand(program: Command, run: CommandRunner): void {
  program
    .command('usage')
    .summary("an integration's calls from the server's log: last used, 30 days, recent calls")
    .description("Show an integration's usage from the Keyward server's request log.")
    .argument('<integration>', 'name or id')
    .addHelpText('after', HELP)
    .action((ref: string, _options: unknown, command: Command) =>
      run(command, (context) => runUsage(context, ref)),
    );
}
