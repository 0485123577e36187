import { mkdirSync, readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { canonicalAcl } from '../../shared/net/cidr.ts';
import { issueEnrolmentCode } from '../devices/device-auth.ts';
import { DEFAULT_FAILED_LIMIT, KeywardServer } from '../keyward-server.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { SERVER_EXIT_HELP, ServerCliError } from './cli-error.ts';
import { defaultDataDir } from './data-dir.ts';

/** What the CLI runs against: the real process in `main.ts`, a harness in tests. */
export interface ServerCliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  now: () => number;
  /** Called with the running server by `start` (main.ts waits for a signal, then closes it). */
  onStarted?: (server: KeywardServer, storage: Storage) => void;
}

const usage = (message: string): ServerCliError => new ServerCliError('usage', 'USAGE', message);

function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw usage(`${name} must be a whole number from ${min} to ${max}, got "${value.slice(0, 40)}"`);
    }
    return Number(value);
  };
}

async function open(dataDir: string, env: NodeJS.ProcessEnv): Promise<Storage> {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ServerCliError(
      'unavailable',
      'DATA_DIR',
      `cannot create the data folder ${dataDir}: ${(error as Error).message}`,
    );
  }
  try {
    return await openStorage({ dataDir, databaseUrl: env.DATABASE_URL });
  } catch (error) {
    const where = env.DATABASE_URL ? 'the PostgreSQL database (DATABASE_URL)' : `the database in ${dataDir}`;
    throw new ServerCliError(
      'unavailable',
      'STORAGE_UNAVAILABLE',
      `cannot open ${where}: ${(error as Error).message}`,
    );
  }
}

function writeJson(io: ServerCliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

function program(io: ServerCliIo, state: { exitCode: number }): Command {
  /**
   * Issues and prints a one-time owner enrolment code (`init`, `devices add`). Once an owner device
   * exists, the code joins that owner's member, so every device of the owner is one member.
   */
  const printOwnerCode = async (dataDir: string, json: boolean, withDataFolder: boolean): Promise<void> => {
    const storage = await open(dataDir, io.env);
    try {
      const owner = (await storage.listDevices()).find(
        (device) => device.role === 'owner' && device.revokedAt === null,
      );
      const { enrolmentCode, expiresAt } = await issueEnrolmentCode(storage, {
        role: 'owner',
        memberId: owner?.memberId ?? null,
        now: io.now(),
      });
      const expires = new Date(expiresAt).toISOString();
      if (json) {
        writeJson(io, { enrolmentCode, expiresAt: expires });
        return;
      }
      const folder = withDataFolder
        ? `Keyward server data folder: ${dataDir}${io.env.DATABASE_URL ? ' (storage: PostgreSQL from DATABASE_URL)' : ''}\n`
        : '';
      io.stdout.write(
        `${folder}Owner enrolment code (single use, shown once): ${enrolmentCode}\n` +
          `Valid until ${expires}. Enter it in Keyward → Settings → Server, or: keyward server connect URL --code CODE\n`,
      );
    } finally {
      await storage.close();
    }
  };

  const root = new Command('keyward-server')
    .description(
      'The Keyward server: gateways ask it whether an API key or Secret is accepted; the desktop publishes to it.\n' +
        'Storage: embedded SQLite in the data folder, or PostgreSQL when DATABASE_URL=postgres://… is set.',
    )
    .addHelpText('after', `\n${SERVER_EXIT_HELP}`)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showHelpAfterError(false);
  const dataOption = () =>
    new Option(
      '--data <dir>',
      'data folder (default: $KEYWARD_SERVER_DATA or ~/.local/share/keyward-server)',
    );

  root
    .command('init')
    .description('create the data folder and print a one-time owner enrolment code, valid 24 h')
    .addOption(dataOption())
    .option('--json', 'print {"enrolmentCode","expiresAt"}')
    .action((options: { data?: string; json?: boolean }) =>
      printOwnerCode(options.data ?? defaultDataDir(io.env), options.json === true, true),
    );

  root
    .command('start')
    .description('start the server (verify, publish, devices)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', integerOption('--port', 0, 65_535), 8787)
    .addOption(dataOption())
    .option('--tls-cert <file>', 'TLS certificate (PEM); needs --tls-key')
    .option('--tls-key <file>', 'TLS private key (PEM); needs --tls-cert')
    .option(
      '--trusted-proxy <cidr...>',
      'proxies whose X-Forwarded-For / X-Real-IP are believed (repeatable)',
    )
    .option(
      '--failed-limit <n>',
      `failed verifications per IP per window (default ${DEFAULT_FAILED_LIMIT.requests})`,
      integerOption('--failed-limit', 1, 1_000_000),
    )
    .option(
      '--failed-window <seconds>',
      `window of --failed-limit (default ${DEFAULT_FAILED_LIMIT.windowSeconds})`,
      integerOption('--failed-window', 1, 86_400),
    )
    .option(
      '--log-retention-days <days>',
      'days the request log is kept (default 30)',
      integerOption('--log-retention-days', 1, 3650),
    )
    .option('--instance <name>', 'this instance in the request log (default: host name and pid)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .action(
      async (options: {
        host: string;
        port: number;
        data?: string;
        tlsCert?: string;
        tlsKey?: string;
        trustedProxy?: string[];
        failedLimit?: number;
        failedWindow?: number;
        logRetentionDays?: number;
        instance?: string;
        logLevel: string;
      }) => {
        if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
          throw usage('--tls-cert and --tls-key go together: give both or neither');
        }
        if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(options.logLevel)) {
          throw usage(
            `--log-level must be fatal, error, warn, info or debug, got "${options.logLevel.slice(0, 20)}"`,
          );
        }
        const proxies = canonicalAcl(options.trustedProxy ?? []);
        if (!proxies.ok) {
          throw usage(`--trusted-proxy: ${proxies.error.message}`);
        }
        let https: { cert: Buffer; key: Buffer } | null = null;
        if (options.tlsCert !== undefined && options.tlsKey !== undefined) {
          try {
            https = { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) };
          } catch (error) {
            throw new ServerCliError(
              'not-found',
              'NOT_FOUND',
              `cannot read the TLS files: ${(error as Error).message}`,
            );
          }
        }
        const dataDir = options.data ?? defaultDataDir(io.env);
        const storage = await open(dataDir, io.env);
        const server = new KeywardServer({
          storage,
          host: options.host,
          port: options.port,
          https,
          trustedProxies: proxies.value,
          failedLimit: {
            requests: options.failedLimit ?? DEFAULT_FAILED_LIMIT.requests,
            windowSeconds: options.failedWindow ?? DEFAULT_FAILED_LIMIT.windowSeconds,
          },
          retentionDays: options.logRetentionDays,
          instance: options.instance,
          pollIntervalMs: io.env.KEYWARD_SERVER_POLL_MS ? Number(io.env.KEYWARD_SERVER_POLL_MS) : undefined,
          logger: { level: options.logLevel },
        });
        let address: string;
        try {
          address = await server.start();
        } catch (error) {
          await storage.close();
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
            throw new ServerCliError(
              'invalid-state',
              'LISTEN',
              `cannot listen on ${options.host}:${options.port}: ${code}`,
            );
          }
          throw error;
        }
        io.stderr.write(
          `keyward-server: listening on ${address} (storage: ${storage.kind}${storage.kind === 'sqlite' ? ` in ${dataDir}` : ''})\n`,
        );
        io.onStarted?.(server, storage);
      },
    );

  const devices = root
    .command('devices')
    .description('list the enrolled devices, add one (a new enrolment code) or revoke one');
  devices
    .command('list')
    .description('list the enrolled devices')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(async (options: { data?: string; json?: boolean }) => {
      const storage = await open(options.data ?? defaultDataDir(io.env), io.env);
      try {
        const list = await storage.listDevices();
        if (options.json === true) {
          writeJson(io, { devices: list });
          return;
        }
        if (list.length === 0) {
          io.stdout.write('No devices enrolled. Run `keyward-server init` for an enrolment code.\n');
          return;
        }
        for (const device of list) {
          const status =
            device.revokedAt === null ? 'active' : `revoked ${new Date(device.revokedAt).toISOString()}`;
          io.stdout.write(
            `${device.deviceId}  ${device.role.padEnd(6)}  ${new Date(device.createdAt).toISOString()}  ${status.padEnd(8)}  ${device.name}\n`,
          );
        }
      } finally {
        await storage.close();
      }
    });
  devices
    .command('add')
    .description("print a new one-time enrolment code for another of the owner's devices, valid 24 h")
    .addOption(dataOption())
    .option('--json', 'print {"enrolmentCode","expiresAt"}')
    .action((options: { data?: string; json?: boolean }) =>
      printOwnerCode(options.data ?? defaultDataDir(io.env), options.json === true, false),
    );
  devices
    .command('revoke')
    .description('revoke a device: its sessions end at once and it cannot sign in again')
    .argument('<device-id>', 'the device id (from `devices list`)')
    .addOption(dataOption())
    .option('--json', 'print JSON')
    .action(async (deviceId: string, options: { data?: string; json?: boolean }) => {
      const storage = await open(options.data ?? defaultDataDir(io.env), io.env);
      try {
        const device = await storage.getDevice(deviceId);
        if (device === null) {
          throw new ServerCliError('not-found', 'NOT_FOUND', `no device ${deviceId.slice(0, 100)}`);
        }
        if (!(await storage.revokeDevice(deviceId, io.now()))) {
          throw new ServerCliError(
            'invalid-state',
            'INVALID_STATE',
            `device ${deviceId} was already revoked`,
          );
        }
        if (options.json === true) {
          writeJson(io, { revoked: true, deviceId });
        } else {
          io.stdout.write(`Revoked device ${deviceId} (${device.name}).\n`);
        }
      } finally {
        await storage.close();
      }
    });
  void state;
  return root;
}

/**
 * Runs `keyward-server` with `io.argv`; resolves to the exit code. Errors are printed as
 * `keyward-server: <message>` (or `{"error":{"code","message"}}` with `--json`), never a stack.
 */
export async function runServerCli(io: ServerCliIo): Promise<number> {
  const state = { exitCode: 0 };
  const json = io.argv.includes('--json');
  try {
    await program(io, state).parseAsync(io.argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
      ) {
        return 0;
      }
      // commander already printed its message.
      return 2;
    }
    const failure =
      error instanceof ServerCliError
        ? error
        : new ServerCliError('internal', 'INTERNAL', 'an unexpected internal error occurred');
    if (!(error instanceof ServerCliError) && io.env.KEYWARD_DEBUG === '1') {
      io.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    }
    if (json) {
      writeJson(io, { error: { code: failure.code, message: failure.message } });
    } else {
      io.stderr.write(`keyward-server: ${failure.message}\n`);
    }
    return failure.exitCode;
  }
}
