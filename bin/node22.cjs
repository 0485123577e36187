// What both commands (`keyward`, `keyward-server`) need before they can run their TypeScript: a Node
// that runs .ts without a flag, or else the project's own Node 22 from .tools/ (`npm run setup`).
// Plain CommonJS that any Node can parse.
'use strict';

const { existsSync, readFileSync, statSync } = require('fs');
const path = require('path');

/** Whether Node `version` runs .ts directly: 22.18+ on the 22 line, 23.6+, and every later major. */
function newEnough(version) {
  const parts = version.split('.').map(Number);
  const major = parts[0];
  const minor = parts[1];
  return major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

/**
 * Runs `main` under the project's Node 22 (.tools/node22) with this process's arguments and stdio,
 * passes signals on and exits with the child's code; `name` is the command's name for messages.
 */
function runWithProjectNode(root, main, name) {
  const local = path.join(
    root,
    '.tools',
    'node22',
    'node_modules',
    'node',
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node',
  );
  if (!existsSync(local)) {
    process.stderr.write(
      name +
        ': Node >= 22.18 is needed (this is ' +
        process.version +
        '); `npm run setup` in ' +
        root +
        ' provides it.\n',
    );
    process.exit(1);
  }
  const { spawn } = require('child_process');
  const child = spawn(local, [main].concat(process.argv.slice(2)), { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; other signals sent to this process are passed on.
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, forward(signal));
  }
  child.on('error', (error) => {
    process.stderr.write(name + ': could not start ' + local + ': ' + error.message + '\n');
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

/**
 * True when the bundle in out/<name>/ was built from exactly the files that are there now: every
 * input its manifest.json lists (scripts/bundle-manifest.ts) has the same size and mtime (whole ms),
 * and `bundle` exists. No manifest, or an unreadable one: false (run the sources).
 */
function bundleIsCurrent(root, name, bundle) {
  try {
    const { inputs } = JSON.parse(readFileSync(path.join(root, 'out', name, 'manifest.json'), 'utf8'));
    const files = Object.keys(inputs);
    if (files.length === 0) {
      return false;
    }
    for (const file of files) {
      const stat = statSync(root + '/' + file); // not path.join: this loop runs on every start
      if (stat.size !== inputs[file].size || Math.trunc(stat.mtimeMs) !== inputs[file].mtimeMs) {
        return false;
      }
    }
    return existsSync(bundle);
  } catch {
    return false;
  }
}

/**
 * Starts a command's program: the bundle `bundle` (built into out/`out`/) while bundleIsCurrent
 * says it is up to date and the environment variable `sourceVariable` is not '1', else the
 * TypeScript entry `source`. On a Node that runs .ts directly it runs in this process (no second
 * Node start-up; the program sets process.exitCode), with Node's compile cache first when
 * `compileCache` is set; on an older Node, under the project's Node 22 (runWithProjectNode).
 * A program that fails to load is reported as `<command>: <failure>: <message>`, exit code 1.
 */
function launch({ root, command, out, source, bundle, sourceVariable, compileCache, failure }) {
  const useBundle = process.env[sourceVariable] !== '1' && bundleIsCurrent(root, out, bundle);
  const main = useBundle ? bundle : source;
  if (!newEnough(process.versions.node)) {
    runWithProjectNode(root, main, command);
    return;
  }
  if (compileCache) {
    try {
      require('module').enableCompileCache();
    } catch {
      // No compile cache (an unwritable temp folder): only slower.
    }
  }
  const failed = (error) => {
    process.stderr.write(
      command + ': ' + failure + ': ' + (error && error.message ? error.message : String(error)) + '\n',
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
    const { pathToFileURL } = require('url');
    import(pathToFileURL(main).href).catch(failed);
  }
}

module.exports = { bundleIsCurrent, launch, newEnough, runWithProjectNode };
