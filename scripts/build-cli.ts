// Bundles the `keyward` CLI for a fast start (docs/targets.md; `npm run bench:cli-startup`):
// `npm run build:cli` → out/cli/keyward.cjs (the entry), out/cli/chunks/*.cjs (the lazily loaded
// command modules and what they import) and out/cli/manifest.json, all CommonJS (no ES module loader
// to start, which `node -e 0` does not pay either). Every chunk is a script that
// Node can also run on its own: `keys copy` starts the chunk holding clipboard/clear-later.ts as its
// detached child (clear-later.ts runs its main when it is the file Node was started with).
//
// Without the bundle, Node strips the types of every .ts file on each run (its TypeScript loader
// alone costs more than `node -e 0`). bin/keyward.cjs runs the bundle only while the manifest's
// inputs are unchanged (size and mtime in whole ms of every bundled source file, package.json and
// package-lock.json); otherwise it runs electron/cli/main.ts, so an edit is never shadowed by a
// stale bundle. The native modules (SQLite, Argon2, the keychain) stay in node_modules.
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'rolldown';
import { writeBundleManifest } from './bundle-manifest.ts';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'out', 'cli');
const native = ['better-sqlite3-multiple-ciphers', 'argon2', '@napi-rs/keyring'];

/**
 * commander imports node:child_process for executable subcommands (`git-foo` style), which keyward
 * does not use; loading it costs several milliseconds on every start. In the bundle, commander
 * gets a stand-in that fails loudly if that feature were ever used.
 */
const NO_CHILD_PROCESS = '\0keyward:commander-child-process';
const commanderWithoutChildProcess = {
  name: 'keyward-commander-without-child-process',
  resolveId(source: string, importer: string | undefined) {
    if (
      (source === 'node:child_process' || source === 'child_process') &&
      importer?.includes('/commander/')
    ) {
      return NO_CHILD_PROCESS;
    }
    return null;
  },
  load(id: string) {
    if (id !== NO_CHILD_PROCESS) {
      return null;
    }
    return `const unavailable = () => { throw new Error('keyward: executable subcommands are not supported'); };
export default { spawn: unavailable, execFileSync: unavailable };`;
  },
};

rmSync(outDir, { recursive: true, force: true });
const result = await build({
  cwd: root,
  input: { keyward: join(root, 'electron/cli/main.ts') },
  platform: 'node',
  plugins: [commanderWithoutChildProcess],
  external: (id) => native.some((name) => id === name || id.startsWith(`${name}/`)),
  output: {
    dir: outDir,
    format: 'cjs',
    entryFileNames: '[name].cjs',
    chunkFileNames: 'chunks/[name]-[hash].cjs',
  },
});

const inputCount = writeBundleManifest(root, outDir, result.output);
process.stdout.write(
  `keyward CLI bundled: ${relative(root, outDir)}/ (${result.output.length} files, ${inputCount} inputs)\n`,
);
