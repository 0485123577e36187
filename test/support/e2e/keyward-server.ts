// A real Keyward server for the desktop's end-to-end tests: `keyward-server init --json` on a fresh
// embedded-SQLite data folder (the one-time owner enrolment code), then the server itself on a free
// loopback port — stoppable and restartable on the same port and data, so a test can take it away
// and bring it back.
import { runServerCli } from '../../../server/cli/program.ts';
import { KeywardServer } from '../../../server/keyward-server.ts';
import { freePort } from '../gateways.ts';
import { freshStorage } from '../server-fixtures.ts';

/** A running (or stopped) server of {@link startKeywardServer}. */
export interface TestKeywardServer {
  /** `http://127.0.0.1:<port>` (`https://` with a certificate). */
  readonly base: string;
  readonly port: number;
  /** The one-time owner enrolment code `init` printed. */
  readonly enrolmentCode: string;
  /** Stops listening (the data stays): the desktop sees it offline. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same data. */
  restart(): Promise<void>;
  /** Stops it and removes its data folder. */
  cleanup(): Promise<void>;
}

/**
 * Starts a Keyward server the way a new user does (`init`, then `start`), in-process. The request
 * log is flushed every 100 ms so usage shows up at once; `trustedProxies` lets a gateway on
 * loopback pass the client's address on.
 */
export async function startKeywardServer(
  options: {
    trustedProxies?: readonly string[];
    /** Serve HTTPS with this certificate and key (PEM), as `start --tls-cert --tls-key` does. */
    https?: { cert: Buffer; key: Buffer };
  } = {},
): Promise<TestKeywardServer> {
  const fresh = await freshStorage('sqlite');
  let out = '';
  const code = await runServerCli({
    argv: ['init', '--json'],
    env: { KEYWARD_SERVER_DATA: fresh.dataDir },
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => undefined },
    now: Date.now,
  });
  if (code !== 0) {
    await fresh.cleanup();
    throw new Error(`keyward-server init failed with ${code}`);
  }
  const { enrolmentCode } = JSON.parse(out) as { enrolmentCode: string };
  const port = await freePort();
  let server: KeywardServer | null = null;
  const listen = async () => {
    const next = new KeywardServer({
      storage: fresh.storage,
      host: '127.0.0.1',
      port,
      trustedProxies: options.trustedProxies ?? [],
      https: options.https ?? null,
      requestLogFlushMs: 100,
      pollIntervalMs: 60_000,
    });
    await next.start();
    await next.ready();
    server = next;
  };
  const stop = async () => {
    const running = server;
    server = null;
    await running?.close();
  };
  await listen();
  return {
    base: `${options.https === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    enrolmentCode,
    stop,
    restart: listen,
    cleanup: async () => {
      await stop();
      await fresh.cleanup();
    },
  };
}
