// Bundles the Keyward server (`keyward-server`) into out/server/: `node scripts/build-server.ts` →
// out/server/keyward-server.cjs (the entry), out/server/chunks/*.cjs (lazily loaded parts: the
// PostgreSQL driver) and out/server/manifest.json, all CommonJS. Production code only: the server's
// sources, shared/ and the production dependencies it imports (Fastify, zod, pg, commander, …);
// the native SQLite module stays in node_modules.
//
// Why: run from the sources, Node strips the types of every .ts file at start and keeps each module
// of the graph (ours and Fastify's hundreds of small files) apart; the bundle starts faster and
// holds far less memory (docs/targets.md, `npm run bench:server-memory`). bin/keyward-server.cjs runs
// the bundle only while the manifest's inputs are unchanged (size and mtime in whole ms of every
// bundled source file, package.json and package-lock.json); otherwise it runs server/main.ts, so an
// edit is never shadowed by a stale bundle.
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'rolldown';
import { writeBundleManifest } from './bundle-manifest.ts';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'out', 'server');
/** Native or optional modules that are not bundled (resolved from node_modules at run time). */
const external = ['better-sqlite3-multiple-ciphers', 'pg-native', 'pg-cloudflare'];

rmSync(outDir, { recursive: true, force: true });
const result = await build({
  cwd: root,
  input: { 'keyward-server': join(root, 'server/main.ts') },
  platform: 'node',
  external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
  output: {
    dir: outDir,
    format: 'cjs',
    // ASCII only: one non-ASCII character makes V8 hold the whole source as two-byte characters.
    charset: 'ascii',
    // Whitespace and comments out, names kept (readable stack traces): about 1 MB less to hold.
    minify: { compress: false, mangle: false },
    entryFileNames: '[name].cjs',
    chunkFileNames: 'chunks/[name]-[hash].cjs',
  },
});

const inputCount = writeBundleManifest(root, outDir, result.output);
process.stdout.write(
  `keyward-server bundled: ${relative(root, outDir)}/ (${result.output.length} files, ${inputCount} inputs)\n`,
);
