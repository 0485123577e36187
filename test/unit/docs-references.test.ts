import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The repository carries its own design docs (docs/): a clone has no ../shared/design beside it, so
// nothing may point there, and every docs/*.md a file names must exist.
const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['electron', 'renderer', 'server', 'shared', 'test', 'scripts', 'docs', 'bin', 'resources'];
const SKIP = new Set(['node_modules', 'out', 'dist', '.tools', 'screenshots']);
const TEXT = /\.(ts|tsx|js|cjs|mjs|md|yml|yaml|json|sh|css|html)$/;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) {
      continue;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      yield* files(path);
    } else if (TEXT.test(entry.name)) {
      yield path;
    }
  }
}

function projectFiles(): string[] {
  const top = readdirSync(ROOT)
    .filter((name) => TEXT.test(name))
    .map((name) => join(ROOT, name));
  return [
    ...top,
    ...FOLDERS.filter((folder) => existsSync(join(ROOT, folder))).flatMap((folder) => [
      ...files(join(ROOT, folder)),
    ]),
  ];
}

describe('design references', () => {
  it('nothing points outside the repository for the design (../shared/design, SPEC.md, ARCHITECTURE.md)', () => {
    const outside = /shared\/design|(?<![\w/-])(SPEC|ARCHITECTURE)\.md/;
    const self = relative(ROOT, import.meta.filename);
    const offenders = projectFiles()
      .filter((path) => relative(ROOT, path) !== self)
      .filter((path) => outside.test(readFileSync(path, 'utf8')))
      .map((path) => relative(ROOT, path));
    expect(offenders).toEqual([]);
  });

  it('every docs/*.md a file names exists', () => {
    const missing = new Set<string>();
    for (const path of projectFiles()) {
      for (const match of readFileSync(path, 'utf8').matchAll(/\bdocs\/([\w-]+\.md)/g)) {
        if (!existsSync(join(ROOT, 'docs', match[1] ?? ''))) {
          missing.add(`${relative(ROOT, path)} → docs/${match[1]}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});
