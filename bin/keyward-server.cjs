#!/usr/bin/env node
// The `keyward-server` command (package.json "bin"). Plain CommonJS that any Node can parse: it
// makes sure a Node >= 22.18 (the first that runs TypeScript directly) runs the server, then
// starts server/main.ts with the same stdio and passes its exit code through.
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const { newEnough, runWithProjectNode } = require('./node22.cjs');

const root = path.resolve(__dirname, '..');
const main = path.join(root, 'server', 'main.ts');

if (newEnough(process.versions.node)) {
  // Same process: no second Node start-up. main.ts sets process.exitCode.
  import(pathToFileURL(main).href).catch((error) => {
    process.stderr.write(
      'keyward-server: could not start: ' + (error && error.message ? error.message : String(error)) + '\n',
    );
    process.exitCode = 1;
  });
} else {
  runWithProjectNode(root, main, 'keyward-server');
}
