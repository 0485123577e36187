import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-vault.ts';

// What `keyward` loads as it starts (docs/targets.md start-up; the timing itself is
// `npm run bench:cli-startup`). `--help` must not load the engine or its heavy dependencies, and
// bin/keyward.cjs must run the bundle (`npm run build:cli`) while it is current and the sources
// otherwise. Real processes throughout.

const root = process.cwd();
const BIN = join(root, 'bin', 'keyward.cjs');
const MAIN = join(root, 'electron', 'cli', 'main.ts');
const PASSWORD = 'correct horse battery staple';

/** What must stay unloaded for `--help`: the engine and every heavy dependency. */
const HEAVY = [
  /node_modules\/zod\//,
  /node_modules\/jose\//,
  /node_modules\/qrcode\//,
  /node_modules\/better-sqlite3-multiple-ciphers\//,
  /node_modules\/argon2\//,
  /node_modules\/@napi-rs\/keyring/,
  /electron\/vault\/keyward-engine/,
  /out\/cli\/chunks\/(keyward-engine|schemas|kdf|token-decoder|totp)-/,
];

/**
 * What only talking to a Keyward server needs (Node's HTTP and TLS: loading `node:tls` alone takes
 * 10–25 ms) and the publish-after-command hook: not loaded by a command on a vault with no server.
 */
const SERVER_ONLY = [/^NativeModule (tls|https|http|_tls_wrap)$/, /electron\/cli\/sync-after\.ts/];

/** The decoder and jose: loaded by the commands that decode or verify a token, never on unlock alone. */
const DECODER = [/node_modules\/jose\//, /electron\/vault\/decoder\/token-decoder\.ts/];

let dir: string;
let cleanup: () => void;
let recorder: string;
let loadedFile: string;

beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('keyward-cli-startup-'));
  loadedFile = join(dir, 'loaded.txt');
  // Preloaded with --import: records every module the process resolves (ES modules through the
  // loader hooks, CommonJS through require.cache) and writes the list at exit.
  recorder = join(dir, 'record-loads.mjs');
  writeFileSync(
    recorder,
    `import { registerHooks, createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.add(result.url);
    return result;
  },
});
const require = createRequire(import.meta.url);
process.on('exit', () => {
  for (const id of Object.keys(require.cache)) seen.add(id);
  for (const builtin of process.moduleLoadList) seen.add(builtin);
  writeFileSync(process.env.KEYWARD_TEST_LOADED, [...seen].join('\\n'));
});
`,
  );
});
afterAll(() => cleanup());

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('KEYWARD_') && name !== 'DBUS_SESSION_BUS_ADDRESS') {
      clean[name] = value;
    }
  }
  return { ...clean, KEYWARD_VAULT: join(dir, 'fallback.vault'), KEYWARD_TEST_LOADED: loadedFile, ...extra };
}

/** Runs `node --import recorder ARGS`; returns the exit code, stdout and what was loaded. */
function run(args: readonly string[], extra: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', recorder, ...args], {
    env: env(extra),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const loaded = readFileSync(loadedFile, 'utf8').split('\n');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, loaded };
}

function heavy(loaded: readonly string[]): string[] {
  return loaded.filter((url) => HEAVY.some((pattern) => pattern.test(url)));
}

describe('keyward start-up: what it loads', () => {
  it('--help from the sources loads no command module, no engine and none of its heavy dependencies', () => {
    const help = run([MAIN, '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: keyward');
    expect(heavy(help.loaded)).toEqual([]);
    expect(help.loaded.filter((url) => url.includes('/electron/cli/commands/'))).toEqual([]);
  });

  it('a command loads its own modules only (the keys group: keys, keys copy, keys end-grace and test)', () => {
    const help = run([MAIN, 'keys', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: keyward keys');
    const commands = help.loaded.filter((url) => url.includes('/electron/cli/commands/'));
    expect(commands.map((url) => url.replace(/.*\/commands\//, '')).sort()).toEqual([
      'keys-copy.ts',
      'keys-grace-test.ts',
      'keys.ts',
    ]);
  });

  it('a password command that never decodes loads neither the decoder nor jose (nor, with no server, HTTP, TLS or the publish hook); decode loads both', () => {
    const vault = join(dir, 'sources.vault');
    const withPassword = { KEYWARD_PASSWORD: PASSWORD };
    expect(run([MAIN, '--vault', vault, 'init'], withPassword).code).toBe(0);
    const list = run([MAIN, '--vault', vault, '--json', 'keys', 'list'], withPassword);
    expect(list.code, list.stderr).toBe(0);
    expect(list.loaded.some((url) => url.includes('/electron/vault/keyward-engine.ts'))).toBe(true);
    expect(list.loaded.filter((url) => DECODER.some((pattern) => pattern.test(url)))).toEqual([]);
    expect(list.loaded.filter((url) => SERVER_ONLY.some((pattern) => pattern.test(url)))).toEqual([]);
    const decode = run(
      [MAIN, '--vault', vault, 'decode', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
      withPassword,
    );
    expect(decode.stdout).toContain('Token:');
    for (const pattern of DECODER) {
      expect(
        decode.loaded.some((url) => pattern.test(url)),
        String(pattern),
      ).toBe(true);
    }
  }, 60_000);

  describe('the bundle (bin/keyward.cjs → out/cli/)', () => {
    beforeAll(() => {
      const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.ts')], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(build.status, build.stderr).toBe(0);
    }, 120_000);

    it('prints the same help as the sources, loading only the bundle entry and no heavy chunk', () => {
      const fromBundle = run([BIN, '--help']);
      const fromSources = run([MAIN, '--help']);
      expect(fromBundle.code).toBe(0);
      expect(fromBundle.stdout).toBe(fromSources.stdout);
      expect(fromBundle.loaded.some((id) => id.endsWith('/out/cli/keyward.cjs'))).toBe(true);
      expect(fromBundle.loaded.filter((id) => id.includes('/electron/'))).toEqual([]);
      expect(heavy(fromBundle.loaded)).toEqual([]);
    });

    it('runs real commands: init, integrations add, keys list, secret', () => {
      const vault = join(dir, 'bundle.vault');
      const withPassword = { KEYWARD_PASSWORD: PASSWORD };
      expect(run([BIN, '--vault', vault, 'init', '--json'], withPassword).code).toBe(0);
      const added = run(
        [BIN, '--vault', vault, '--json', 'integrations', 'add', '--name', 'Billing', '--platform', 'server'],
        withPassword,
      );
      expect(added.code, added.stderr).toBe(0);
      const list = run([BIN, '--vault', vault, '--json', 'keys', 'list'], withPassword);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { keys: { status: string }[] }).keys).toMatchObject([
        { status: 'active' },
      ]);
      expect(list.loaded.filter((id) => id.includes('/electron/'))).toEqual([]);
      // Neither the decoder's chunk nor jose's: `keys list` never decodes.
      const chunks = join(root, 'out', 'cli', 'chunks');
      const decoderChunks = readdirSync(chunks).filter(
        (name) =>
          name.startsWith('token-decoder-') ||
          readFileSync(join(chunks, name), 'utf8').includes('node_modules/jose/'),
      );
      expect(decoderChunks.length).toBeGreaterThan(0);
      expect(list.loaded.filter((id) => decoderChunks.some((name) => id.endsWith(`/${name}`)))).toEqual([]);
      const secret = run([BIN, '--vault', vault, 'secret', 'Billing'], withPassword);
      expect(secret.code, secret.stderr).toBe(0);
      expect(secret.stdout.trim()).toMatch(/^ey[\w-]+\.ey[\w-]+\.[\w-]+$/);
      // A wrong password is still refused and counted with the Argon2id head start.
      const wrong = run([BIN, '--vault', vault, 'keys', 'list'], { KEYWARD_PASSWORD: 'not the password' });
      expect(wrong.code).toBe(3);
      const status = run([BIN, '--vault', vault, '--json', 'status']);
      expect((JSON.parse(status.stdout) as { lockout: { failures: number } }).lockout.failures).toBe(1);
    }, 120_000);

    it('runs the sources instead while a bundled file has changed since the build', () => {
      const changed = join(root, 'electron', 'cli', 'exit-codes.ts');
      // The manifest keeps whole milliseconds of mtimeMs; stat's Date objects are rounded, so the
      // times are restored from the exact milliseconds (as seconds), not from those Dates.
      const { atimeMs, mtimeMs } = statSync(changed);
      try {
        utimesSync(changed, atimeMs / 1000, (mtimeMs + 1000) / 1000);
        const help = run([BIN, '--help']);
        expect(help.code).toBe(0);
        expect(help.loaded.some((id) => id.endsWith('/electron/cli/main.ts'))).toBe(true);
        expect(help.loaded.some((id) => id.includes('/out/cli/'))).toBe(false);
      } finally {
        utimesSync(changed, atimeMs / 1000, mtimeMs / 1000);
      }
      expect(Math.trunc(statSync(changed).mtimeMs)).toBe(Math.trunc(mtimeMs));
      expect(run([BIN, '--help']).loaded.some((id) => id.endsWith('/out/cli/keyward.cjs'))).toBe(true);
    });
  });
});
