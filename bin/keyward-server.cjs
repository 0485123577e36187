#!/usr/bin/env node
// The `keyward-server` command (package.json "bin"). Plain CommonJS that any Node can parse: it
// makes sure a Node >= 22.18 (the first that runs TypeScript directly) runs the server, then
// starts it with the same stdio and passes its exit code through.
//
// What it starts: the bundle out/server/keyward-server.cjs (`node scripts/build-server.ts`; CommonJS,
// production code only) while it is up to date with the sources it was built from
// (out/server/manifest.json lists each with its size and mtime), else server/main.ts itself.
// KEYWARD_SERVER_SOURCE=1 always runs the sources. The bundle is for memory and start-up
// (docs/targets.md, `npm run bench:server-memory`).
'use strict';

const path = require('path');
const { launch } = require('./node22.cjs');

const root = path.resolve(__dirname, '..');

launch({
  root,
  command: 'keyward-server',
  out: 'server',
  source: path.join(root, 'server', 'main.ts'),
  bundle: path.join(root, 'out', 'server', 'keyward-server.cjs'),
  sourceVariable: 'KEYWARD_SERVER_SOURCE',
  compileCache: false,
  failure: 'could not start',
});
