// The manifest of a bundle (out/cli/, out/server/): every source file of this repository the bundle
// was built from (node_modules excluded) with its size and mtime in whole milliseconds (what utimes
// can restore), plus package.json and package-lock.json. The launchers (bin/keyward.cjs,
// bin/keyward-server.cjs) run a bundle only while its manifest still matches, so an edit is never
// shadowed by a stale bundle.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RolldownOutput } from 'rolldown';

/** Writes `<outDir>/manifest.json` for `output` and resolves to how many inputs it lists. */
export function writeBundleManifest(root: string, outDir: string, output: RolldownOutput['output']): number {
  const sources = new Set<string>();
  for (const chunk of output) {
    if (chunk.type === 'chunk') {
      for (const id of chunk.moduleIds) {
        const path = relative(root, id.replace(/\?.*$/, ''));
        if (!path.startsWith('..') && !path.startsWith('node_modules') && !path.startsWith('\0')) {
          sources.add(path);
        }
      }
    }
  }
  sources.add('package.json');
  sources.add('package-lock.json');
  const inputs: Record<string, { size: number; mtimeMs: number }> = {};
  for (const path of [...sources].sort()) {
    const stat = statSync(join(root, path));
    inputs[path] = { size: stat.size, mtimeMs: Math.trunc(stat.mtimeMs) };
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify({ inputs }, null, 1)}\n`);
  return sources.size;
}
