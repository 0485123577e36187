import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import type { SyncStatus } from '../../../shared/sync/sync-status.ts';
import { addReauthOption } from '../arguments.ts';
import type { ReauthFlags } from '../arguments.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import type { CliTime } from '../present.ts';
import { NONE, printableLine } from '../present.ts';
import { checkDeviceName, checkEnrolmentCode, checkServerUrl, readPinnedCert } from '../server-arguments.ts';
import { describeSync, syncJson } from '../sync-after.ts';
import { unlockEngine } from '../vault-access.ts';

/** `server connect` options. */
export interface ConnectOptions extends ReauthFlags {
  code: string;
  name?: string;
  pinCert?: string;
}

const SYNC_JSON = `{"state":"not-connected"|"up-to-date"|"waiting"|"offline"|"error","waiting":0,"reason":null|"…",
   "server":null|{"url":"https://…","deviceId":"…","deviceName":"…","connectedAt":"…",
                  "pinnedCertSha256":null|"AB:CD:…","revision":12|null,"lastPublishAt":"…"|null}}`;

const GROUP_HELP = `
A Keyward server answers your API gateways (nginx, Caddy) "is this key valid now?" without this
computer online. The vault publishes to it what verification needs — lookup hashes, ids, names,
times, status, IP allow-lists, Secret public keys — never a key. Once connected, every command that
changes those facts publishes them before it exits (waiting at most 5 s, KEYWARD_PUBLISH_WAIT_MS);
what cannot go out waits in the vault and goes with the next command or \`keyward server publish\`.

  keyward-server devices add                           # on the server: a one-time code
  keyward server connect https://keyward.example.com --code XXXXX-XXXXX-XXXXX-XXXXX
  keyward server status
  keyward usage Billing                                # calls from the server's log

In --json output the sync status is
  ${SYNC_JSON}
and commands that change published facts add it to their own output as "sync" while connected.`;

const CONNECT_HELP = `
Connects this vault to a Keyward server with a one-time enrolment code (printed on the server by
\`keyward-server init\`, or \`keyward-server devices add\` for one more device): makes this
device's Ed25519 key (kept in the vault), enrols it, then publishes everything (a full snapshot).
Plain http:// only to this machine (127.0.0.1, ::1, localhost); otherwise https://,
trusted through the system's CAs or, with --pin-cert FILE, only when the server's certificate is
exactly the one in FILE (PEM). Needs re-authentication (the master password, or --totp CODE when
the vault opens with the remembered device key); logged.

Exit codes: 2 bad URL, code or name; 3 the server refused the code (used, expired, unknown:
SERVER_REJECTED) or its certificate is not trusted (SERVER_UNTRUSTED); 5 already connected
(\`keyward server disconnect\` first); 7 the server cannot be reached (SERVER_UNREACHABLE).

--json output:
  {"connected":true,"sync":{…sync status}}     (shape: keyward server --help)`;

const STATUS_HELP = `
The connected server, this device, the last publish and the sync state: up to date, N changes
waiting, offline (with the reason), or error (with the reason and what to do). Not connected is
not an error (exit 0, "state":"not-connected").

--json output:
  {…sync status}     (shape: keyward server --help)`;

const PUBLISH_HELP = `
Publishes every change waiting in the vault's outbox now, in order. Exit 0 when the server has
them all; 7 (SERVER_UNREACHABLE) when it cannot be reached, 3 (SERVER_REJECTED) when it refuses
(the changes stay waiting either way); 5 (NOT_CONNECTED) without a server.

--json output:
  {"published":true,"sync":{…sync status}}`;

const DISCONNECT_HELP = `
Forgets the server: the connection, this device's key and the changes still waiting. It first asks
the server to revoke this device (best effort: when the server cannot be reached, revoke it there
with \`keyward-server devices revoke ID\`). The server keeps answering from what it last received.
Logged. Without a server: exit 5 (NOT_CONNECTED).

--json output:
  {"disconnected":true,"server":"https://…","deviceId":"…"}`;

function notConnected(): KeywardError {
  return new KeywardError(
    'NOT_CONNECTED',
    'This vault is not connected to a Keyward server; connect with `keyward server connect URL --code CODE`.',
  );
}

/** The lines that describe a sync status (`server status`, `server connect`). */
export function statusLines(status: SyncStatus, time: CliTime): string[] {
  const server = status.server;
  if (server === null) {
    return [
      'Not connected to a Keyward server: keys are checked only here.',
      'Connect with `keyward server connect URL --code CODE` (a code from `keyward-server devices add`).',
    ];
  }
  return [
    `Server:        ${printableLine(server.url)}`,
    `Device:        ${printableLine(server.deviceName)} (id ${server.deviceId})`,
    `Connected:     ${time.at(server.connectedAt)}`,
    `Certificate:   ${server.pinnedCertSha256 === null ? "the system's CAs" : `pinned, SHA-256 ${server.pinnedCertSha256}`}`,
    `Sync:          ${describeSync(status)}`,
    `Last publish:  ${
      server.lastPublishAt === null
        ? NONE
        : `${time.at(server.lastPublishAt)}${server.revision === null ? '' : ` (server revision ${server.revision})`}`
    }`,
  ];
}

/** `server connect URL --code CODE [--name DEVICE] [--pin-cert FILE]`. */
export async function runConnect(
  context: CommandContext,
  rawUrl: string,
  options: ConnectOptions,
): Promise<CommandResult> {
  // Every argument is checked before a password is asked for or anything is sent.
  const url = checkServerUrl(rawUrl);
  const code = checkEnrolmentCode(options.code);
  const deviceName = options.name === undefined ? undefined : checkDeviceName(options.name);
  if (options.pinCert !== undefined && url.startsWith('http:')) {
    throw new KeywardError('USAGE', '--pin-cert is for an https:// server; this URL is plain http://.');
  }
  const pinnedCertPem = options.pinCert === undefined ? undefined : readPinnedCert(options.pinCert);
  const { time } = await unlockEngine(context, {
    reauth: { purpose: 'server connect', totp: options.totp },
  });
  const status = await context.engine.connectServer({
    url,
    code,
    ...(deviceName === undefined ? {} : { deviceName }),
    ...(pinnedCertPem === undefined ? {} : { pinnedCertPem }),
  });
  const server = status.server;
  return {
    json: { connected: true, sync: syncJson(status, time) },
    lines: [
      `Connected to ${printableLine(server?.url ?? url)} as device "${printableLine(server?.deviceName ?? '?')}" (id ${server?.deviceId ?? '?'}).`,
      status.state === 'up-to-date'
        ? 'Published everything the server needs to verify your keys (never a key itself).'
        : `Not everything is published yet: ${describeSync(status)}; run \`keyward server publish\`.`,
      'From now on every change is published as you make it; `keyward server status` shows where it stands.',
    ],
  };
}

/** `server status`. */
export async function runServerStatus(context: CommandContext): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  const status = context.engine.serverStatus();
  return { json: syncJson(status, time), lines: statusLines(status, time) };
}

/** `server publish`: drains the outbox now; offline or refused is an error (the changes stay waiting). */
export async function runPublish(context: CommandContext): Promise<CommandResult> {
  const { time } = await unlockEngine(context);
  if (context.engine.serverStatus().state === 'not-connected') {
    throw notConnected();
  }
  const status = await context.engine.publishNow();
  const url = printableLine(status.server?.url ?? 'the server');
  if (status.state === 'offline') {
    throw new KeywardError(
      'SERVER_UNREACHABLE',
      `Cannot reach ${url}${status.reason === null ? '' : ` (${printableLine(status.reason)})`}: ${status.waiting} change(s) still waiting; they go out with the next command or \`keyward server publish\`.`,
    );
  }
  if (status.state === 'error') {
    throw new KeywardError(
      'SERVER_REJECTED',
      `${url} refused the changes${status.reason === null ? '' : `: ${printableLine(status.reason)}`}. ${status.waiting} change(s) still waiting.`,
    );
  }
  return {
    json: { published: true, sync: syncJson(status, time) },
    lines: [`Published: ${url} is ${describeSync(status)}.`],
  };
}

/** `server disconnect`. */
export async function runDisconnect(context: CommandContext): Promise<CommandResult> {
  await unlockEngine(context);
  const server = context.engine.serverStatus().server;
  if (server === null) {
    throw notConnected();
  }
  await context.engine.disconnectServer();
  return {
    json: { disconnected: true, server: server.url, deviceId: server.deviceId },
    lines: [
      `Disconnected from ${printableLine(server.url)}; this device's key and any waiting changes are gone from the vault.`,
      `The server keeps answering from what it last received. If it did not hear the disconnect, revoke the device there: \`keyward-server devices revoke ${server.deviceId}\`.`,
    ],
  };
}

/** Adds `server connect|status|publish|disconnect` to the program. */
export function registerServerCommand(program: Command, run: CommandRunner): void {
  const group = program
    .command('server')
    .summary('connect to a Keyward server, show the sync status, publish now, disconnect')
    .description('The Keyward server your API gateways ask whether a key is valid.')
    .addHelpText('after', GROUP_HELP);

  addReauthOption(
    group
      .command('connect')
      .summary('connect this vault with a one-time enrolment code (needs re-authentication)')
      .description('Connect this vault to a Keyward server and publish everything.')
      .argument('<url>', 'the server, e.g. https://keyward.example.com (http:// only on this machine)')
      .requiredOption('--code <code>', 'a one-time enrolment code (keyward-server init or devices add)')
      .option('--name <device>', "this device's name on the server (default: the host name)")
      .option('--pin-cert <file>', "trust only this certificate (PEM) for the server's https"),
  )
    .addHelpText('after', CONNECT_HELP)
    .action((url: string, options: ConnectOptions, command: Command) =>
      run(command, (context) => runConnect(context, url, options)),
    );

  group
    .command('status')
    .summary('the server, this device, the last publish and the sync state')
    .description('Show the connection to the Keyward server and the sync state.')
    .addHelpText('after', STATUS_HELP)
    .action((_options: unknown, command: Command) => run(command, runServerStatus));

  group
    .command('publish')
    .summary('publish the waiting changes now')
    .description('Publish every change waiting in the outbox now.')
    .addHelpText('after', PUBLISH_HELP)
    .action((_options: unknown, command: Command) => run(command, runPublish));

  group
    .command('disconnect')
    .summary('forget the server (asks it to revoke this device first)')
    .description('Disconnect this vault from its Keyward server.')
    .addHelpText('after', DISCONNECT_HELP)
    .action((_options: unknown, command: Command) => run(command, runDisconnect));
}
