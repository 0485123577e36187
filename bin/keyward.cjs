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
const { pathToFileURL } = require('url');
const { bundleIsCurrent, newEnough, runWithProjectNode } = require('./node22.cjs');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'electron', 'cli', 'main.ts');
const bundle = path.join(root, 'out', 'cli', 'keyward.cjs');

const useBundle = process.env.KEYWARD_CLI_SOURCE !== '1' && bundleIsCurrent(root, 'cli', bundle);
const main = useBundle ? bundle : source;

if (newEnough(process.versions.node)) {
  try {
    require('module').enableCompileCache();
  } catch {
    // No compile cache (an unwritable temp folder): only slower.
  }
  // Same process: no second Node start-up. main.ts sets process.exitCode.
  const failed = (error) => {
    process.stderr.write(
      'keyward: could not start the CLI: ' + (error && error.message ? error.message : String(error)) + '\n',
    );
    process.exitCode = 1;
  };
  if (useBundle) {
    try {
      require(bundle);
    } catch (error) {
      failed(error);
    }
  } else {
    import(pathToFileURL(main).href).catch(failed);
  }
} else {
  runWithProjectNode(root, main, 'keyward');
}
