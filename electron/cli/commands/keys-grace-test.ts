import type { Command } from 'commander';
import type { ApiKeyView } from '../../../shared/domain/api-key.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { describeRefusal } from '../../../shared/keys/acceptance.ts';
import { parseIp } from '../../../shared/net/cidr.ts';
import type { KeywardEngine } from '../../vault/keyward-engine.ts';
import { addReauthOption } from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import type { CommandResult } from '../output.ts';
import { describeKeyEnd, keyJson, printableLine } from '../present.ts';
import { unlockEngine } from '../vault-access.ts';

/** `keys test` options. */
export interface KeyTestOptions {
  ip?: string;
  local?: boolean;
}

const END_GRACE_HELP = `
For a key in its grace period that you believe leaked: its grace ends now, the key becomes revoked
and is no longer accepted. The integration's active key is not touched. Needs re-authentication;
logged as key.end-grace. A key that is not in grace: exit 5.

--json output:
  {"ended":true,"key":{…key, "status":"revoked"}}`;

const TEST_HELP = `
Tests a key the way a verifier would: its checksum, then the acceptance rule (status, expiry, grace,
API access, the accepted credential) and, with --ip, the integration's IP allow list. INTEGRATION
tests its active key; KEY_ID any key (\`keyward keys list\`). When the vault is connected to a Keyward
server, the server checks it (POST /v1/test: its index, exactly as /v1/verify answers gateways, and
logged in its request log); --local checks it here instead. The output says which it did. An
accepted key counts as used now ("last used"), as the desktop's Test does; every test is logged as
key.test.

Prints "accepted", or "refused" with the reason code (the server's: KEY_EXPIRED, KEY_REVOKED,
API_DISABLED, IP_NOT_ALLOWED, …) and its meaning. Exit code 0 when accepted, 5 when refused.

--json output:
  {"accepted":true|false,"reason":null|"KEY_REVOKED"|…,"keyId":"…","integrationId":"…","integrationName":"…",
   "masked":"kw_AbC12…","status":"active","ip":"…"|null,"checkedAt":"…",
   "checkedBy":"server"|"local","server":"https://…"|null}`;

/** The key `ref` names: a key id, else an integration (its active key). NOT_FOUND naming both. */
function keyFor(engine: KeywardEngine, ref: string): ApiKeyView {
  try {
    return engine.key(ref);
  } catch (error) {
    if (!(error instanceof KeywardError) || error.code !== 'NOT_FOUND') {
      throw error;
    }
  }
  try {
    return engine.activeKey(engine.integration(ref).id);
  } catch (error) {
    if (error instanceof KeywardError && error.code === 'NOT_FOUND') {
      throw new KeywardError(
        'NOT_FOUND',
        `No key id or integration "${printableLine(ref.slice(0, 100))}"; see \`keyward keys list\`.`,
      );
    }
    throw error;
  }
}

/** `keys end-grace KEY_ID`: a grace key stops being accepted now (revoked). */
export async function runEndGrace(
  context: CommandContext,
  keyId: string,
  options: ReauthFlags,
): Promise<CommandResult> {
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'keys end-grace', totp: options.totp },
  });
  const key = context.engine.endGrace(keyId);
  return {
    json: { ended: true, key: keyJson(key, time) },
    lines: [`Ended the grace period of key ${key.id} (${key.masked}): ${describeKeyEnd(key, time)}.`],
  };
}

/** `keys test INTEGRATION|KEY_ID [--ip ADDR]`: accepted (exit 0) or refused with the reason (exit 5). */
export async function runKeyTest(
  context: CommandContext,
  ref: string,
  options: KeyTestOptions,
): Promise<CommandResult> {
  const ip = options.ip?.trim();
  if (ip !== undefined && !parseIp(ip).ok) {
    throw new KeywardError('USAGE', `--ip ${printableLine(ip.slice(0, 64))}: not an IPv4 or IPv6 address.`);
  }
  const { time } = await unlockEngine(context);
  const key = keyFor(context.engine, ref);
  const integrationName = context.engine.integration(key.integrationId).name;
  const result = await context.engine
    .testKey(key.id, {
      ...(ip === undefined ? {} : { ip }),
      where: options.local === true ? 'local' : 'auto',
    })
    .catch((error: unknown) => {
      if (error instanceof KeywardError && error.code === 'SERVER_UNREACHABLE') {
        throw new KeywardError('SERVER_UNREACHABLE', `${error.message} Add --local to test the key here.`, {
          cause: error,
        });
      }
      throw error;
    });
  const server = result.against === 'server' ? (context.engine.serverStatus().server?.url ?? null) : null;
  const where =
    result.against === 'server'
      ? `checked by the server at ${printableLine(server ?? '?')}`
      : 'checked locally';
  const subject = `key ${key.masked} of "${printableLine(integrationName)}" (${key.status})${ip === undefined ? '' : ` from ${ip}`}`;
  return {
    json: {
      accepted: result.accepted,
      reason: result.reason,
      keyId: key.id,
      integrationId: key.integrationId,
      integrationName,
      masked: key.masked,
      status: key.status,
      ip: ip ?? null,
      checkedAt: time.at(result.checkedAt),
      checkedBy: result.against,
      server,
    },
    lines: [
      result.accepted
        ? `accepted: ${subject} is accepted now (${where}).`
        : `refused: ${result.reason ?? 'KEY_UNKNOWN'} (${describeRefusal(result.reason ?? 'KEY_UNKNOWN')}): ${subject} is not accepted (${where}).`,
    ],
    ...(result.accepted ? {} : { exitCode: EXIT_CODES['invalid-state'] }),
  };
}

/** Adds `keys end-grace` and `keys test` to the `keys` group. */
export function registerKeysGraceAndTestCommands(group: Command, run: CommandRunner): void {
  addReauthOption(
    group
      .command('end-grace')
      .summary('a key in grace stops being accepted now (revoked; needs re-authentication)')
      .description('End the grace period of one key now: it becomes revoked.')
      .argument('<key-id>', 'the key’s id (keyward keys list)'),
  )
    .addHelpText('after', END_GRACE_HELP)
    .action((keyId: string, options: ReauthFlags, command: Command) =>
      run(command, (context) => runEndGrace(context, keyId, options)),
    );

  group
    .command('test')
    .summary('is this key accepted now? (exit 0 accepted, 5 refused)')
    .description('Test a key as a verifier would, without it leaving the vault.')
    .argument('<integration-or-key-id>', 'an integration (its active key) or a key id')
    .option('--ip <addr>', 'the client address to check against the IP allow list')
    .option('--local', 'check here, even when a Keyward server is connected')
    .addHelpText('after', TEST_HELP)
    .action((ref: string, options: KeyTestOptions, command: Command) =>
      run(command, (context) => runKeyTest(context, ref, options)),
    );
}
