import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerCli } from '../../../server/cli/program.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'keyward-server.cjs');

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the keyward-server command (a real process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-server-cli-'));
  const env = { KEYWARD_SERVER_DATA: dataDir, DATABASE_URL: '' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints help per command and refuses bad arguments with exit code 2', { timeout: 90_000 }, async () => {
    const help = await run(['start', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--trusted-proxy <cidr...>');
    expect(help.stdout).toContain('--tls-cert <file>');
    const bad = await run(['start', '--port', 'http'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('keyward-server: --port must be a whole number from 0 to 65535, got "http"\n');
    // The rest in-process (same code path, no Node start-up each).
    for (const args of [
      ['start', '--trusted-proxy', '10.0.0.0/33'],
      ['start', '--tls-cert', 'cert.pem'],
      ['start', '--log-level', 'loud'],
      ['start', '--unknown'],
      ['nope'],
    ]) {
      let stderr = '';
      const code = await runServerCli({
        argv: args,
        env,
        stdout: { write: () => true },
        stderr: { write: (text: string) => (stderr += text) },
        now: Date.now,
      });
      const result = { code, stderr };
      const bad = args;
      expect(result.code, bad.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/keyward-server: |error: /);
    }
    const json = await run(['devices', 'revoke', 'x', '--json'], env);
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: 'no device x' } });
  });

  it(
    'init prints a one-time code; start serves on 127.0.0.1 and stops cleanly on SIGTERM',
    { timeout: 90_000 },
    async () => {
      const init = await run(['init'], env);
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(
        /Owner enrolment code \(single use, shown once\): [A-Z2-9]{5}(-[A-Z2-9]{5}){3}/,
      );
      const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--log-level', 'warn'], {
        env: { ...process.env, ...env },
      });
      let stderr = '';
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address: ${stderr}`)), 15_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (match) {
            clearTimeout(timer);
            resolve(match[1] as string);
          }
        });
      });
      try {
        expect(await (await fetch(`${address}/healthz`)).json()).toEqual({ status: 'ok' });
        let ready = await fetch(`${address}/readyz`);
        for (let attempt = 0; attempt < 50 && ready.status !== 200; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          ready = await fetch(`${address}/readyz`);
        }
        expect(await ready.json()).toMatchObject({ status: 'ready', keys: 0, storage: 'ok' });
        const verify = await fetch(`${address}/v1/verify`, { method: 'POST' });
        expect(verify.status).toBe(401);
        expect(verify.headers.get('x-keyward-code')).toBe('KEY_MALFORMED');
      } finally {
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
    },
  );
});
