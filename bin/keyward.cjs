#!/usr/bin/env node
// The `keyward` command (package.json "bin"). Plain CommonJS that any Node can parse: it makes
// sure a Node >= 22.18 (the first that runs TypeScript directly) runs the CLI, then starts it with
// the same stdio and passes its exit code through.
//
// What it starts: the bundle out/cli/keyward.cjs (CommonJS, so no ES module loader to start) (`npm run build:cli`) while it is up to date with
// the sources it was built from (out/cli/manifest.json lists each with its size and mtime), else
// electron/cli/main.ts itself. KEYWARD_CLI_SOURCE=1 always runs the sources. Node's compile cache
// (module.enableCompileCache; NODE_COMPILE_CACHE picks its folder) keeps the compiled code between
// runs. Both are for start-up time (docs/targets.md, `npm run bench:cli-startup`).
'use strict';

const path = require('path');
const { launch } = require('./node22.cjs');

const root = path.resolve(__dirname, '..');

launch({
  root,
  command: 'keyward',
  out: 'cli',
  source: path.join(root, 'electron', 'cli', 'main.ts'),
  bundle: path.join(root, 'out', 'cli', 'keyward.cjs'),
  sourceVariable: 'KEYWARD_CLI_SOURCE',
  compileCache: true,
  failure: 'could not start the CLI',
});
