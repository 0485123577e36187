import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Real gateways for the end-to-end tests: Debian's nginx and Caddy (installed by
 * `scripts/setup.sh --test`), run in the foreground on a temporary prefix with the configuration
 * shipped in `server/deploy/`, listening on a free loopback port, logs in the temp folder.
 */

const ROOT = resolve(import.meta.dirname, '../..');

/** The shipped configurations under test. */
export const NGINX_CONF = join(ROOT, 'server/deploy/nginx/keyward.conf');
export const CADDYFILE = join(ROOT, 'server/deploy/caddy/Caddyfile');

/** The path of an executable, looking in PATH and the sbin folders (nginx lives in /usr/sbin). */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir !== '' && existsSync(join(dir, name))) {
      return join(dir, name);
    }
  }
  return null;
}

/**
 * True when `name` can run. Without it the gateway tests are skipped, unless
 * `KEYWARD_REQUIRE_GATEWAYS=1` (set by `scripts/test.sh`), which makes a missing one a failure.
 */
export function gatewayAvailable(name: 'nginx' | 'caddy'): boolean {
  const found = findExecutable(name) !== null;
  if (!found && process.env.KEYWARD_REQUIRE_GATEWAYS === '1') {
    throw new Error(`${name} is not installed: run scripts/setup.sh --test`);
  }
  return found;
}

/** A free TCP port on 127.0.0.1 (free when asked; the caller binds it right away). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  what: string,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
    }
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) {
      return;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${what} did not listen on ${port} within 15 s:\n${log()}`);
}

/** SIGTERM to `child` (SIGKILL after 5 s) and wait for its exit; nothing when it has exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A running gateway: its address, its logs, and how to stop it. */
export interface RunningGateway {
  base: string;
  logs: () => string;
  close: () => Promise<void>;
}

/** Where a gateway sends verifications and accepted requests. */
export interface GatewayTargets {
  verifyPort: number;
  /** nginx only: more Keyward instances, one `server` line each in `upstream keyward_verify`. */
  moreVerifyPorts?: readonly number[];
  apiPort: number;
}

/**
 * nginx with `server/deploy/nginx/keyward.conf` (its three CHANGE addresses pointed at the test's
 * ports), inside a minimal main configuration, in the foreground on a temp prefix.
 */
export async function startNginx(targets: GatewayTargets): Promise<RunningGateway> {
  const nginx = findExecutable('nginx');
  if (nginx === null) {
    throw new Error('nginx is not installed: run scripts/setup.sh --test');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'keyward-nginx-'));
  // As root, the workers run as nobody: they must reach the temp folders.
  chmodSync(dir, 0o755);
  const shipped = readFileSync(NGINX_CONF, 'utf8');
  const site = shipped
    .replace(
      /server 127\.0\.0\.1:8787;/,
      [targets.verifyPort, ...(targets.moreVerifyPorts ?? [])]
        .map((verifyPort) => `server 127.0.0.1:${verifyPort};`)
        .join(' '),
    )
    .replace(/server 127\.0\.0\.1:9000;/, `server 127.0.0.1:${targets.apiPort};`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  if (site === shipped || !site.includes(String(port))) {
    throw new Error('keyward.conf no longer has the addresses the test rewrites');
  }
  writeFileSync(join(dir, 'keyward.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      `  client_body_temp_path ${join(dir, 'client_body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      `  include ${join(dir, 'keyward.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')];
  const check = spawnSync(nginx, [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);
  }
  const child = spawn(nginx, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const logs = () => {
    const file = join(dir, 'error.log');
    return `${stderr}${existsSync(file) ? readFileSync(file, 'utf8') : ''}`;
  };
  await waitForPort(port, child, 'nginx', logs);
  return {
    base: `http://127.0.0.1:${port}`,
    logs,
    close: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Caddy with `server/deploy/caddy/Caddyfile` (addresses from its environment variables), admin off,
 * HOME and XDG folders in a temp folder. The Caddyfile is adapted to JSON first only to bind the
 * listener to 127.0.0.1 rather than every interface.
 */
export async function startCaddy(targets: GatewayTargets): Promise<RunningGateway> {
  const caddy = findExecutable('caddy');
  if (caddy === null) {
    throw new Error('caddy is not installed: run scripts/setup.sh --test');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'keyward-caddy-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    KEYWARD_SITE: `http://127.0.0.1:${port}`,
    KEYWARD_VERIFY: `127.0.0.1:${targets.verifyPort}`,
    KEYWARD_API: `127.0.0.1:${targets.apiPort}`,
  };
  const adapted = spawnSync(caddy, ['adapt', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
    encoding: 'utf8',
    env,
    cwd: dir,
  });
  if (adapted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`caddy adapt refused the Caddyfile:\n${adapted.stderr}`);
  }
  const config = JSON.parse(adapted.stdout) as {
    apps: { http: { servers: Record<string, { listen: string[] }> } };
  };
  const servers = Object.values(config.apps.http.servers);
  if (servers.length !== 1 || servers[0]?.listen.join() !== `:${port}`) {
    throw new Error(`unexpected Caddy servers: ${JSON.stringify(servers.map((server) => server.listen))}`);
  }
  servers[0].listen = [`127.0.0.1:${port}`];
  writeFileSync(join(dir, 'caddy.json'), JSON.stringify(config));
  const child = spawn(caddy, ['run', '--config', join(dir, 'caddy.json')], {
    env,
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(port, child, 'caddy', () => stderr);
  return {
    base: `http://127.0.0.1:${port}`,
    logs: () => stderr,
    close: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the test API received. */
export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A tiny real API behind the gateway: answers 200 with the request it received, as JSON. */
export async function startEchoApi(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const echoed: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      res.writeHead(200, { 'content-type': 'application/json', 'x-from': 'echo-api' });
      res.end(JSON.stringify(echoed));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A response as the client saw it. */
export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request from a chosen loopback address (127.0.0.x), so each test is its own client IP for the
 * verifier's IP ACLs and per-IP limit. A fresh connection each time.
 */
export function requestFrom(
  url: string,
  options: { from?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ClientResponse> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}
