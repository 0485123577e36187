#!/usr/bin/env node
// The `keyward-server` command (package.json "bin"). Plain CommonJS that any Node can parse: it
// makes sure a Node >= 22.18 (the first that runs TypeScript directly) runs the server, then
// starts server/main.ts with the same stdio and passes its exit code through.
'use strict';

const { spawn } = require('child_process');
const { existsSync } = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const root = path.resolve(__dirname, '..');
const main = path.join(root, 'server', 'main.ts');

// Node runs .ts without a flag from 22.18 on the 22 line, from 23.6, and in every later major.
function newEnough(version) {
  const parts = version.split('.').map(Number);
  const major = parts[0];
  const minor = parts[1];
  return major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

if (newEnough(process.versions.node)) {
  // Same process: no second Node start-up. main.ts sets process.exitCode.
  import(pathToFileURL(main).href).catch((error) => {
    process.stderr.write(
      'keyward-server: could not start: ' + (error && error.message ? error.message : String(error)) + '\n',
    );
    process.exitCode = 1;
  });
} else {
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
      'keyward-server: Node >= 22.18 is needed (this is ' +
        process.version +
        '); `npm run setup` in ' +
        root +
        ' provides it.\n',
    );
    process.exit(1);
  }
  const child = spawn(local, [main].concat(process.argv.slice(2)), { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; other signals sent to this process are passed on.
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, forward(signal));
  }
  child.on('error', (error) => {
    process.stderr.write('keyward-server: could not start ' + local + ': ' + error.message + '\n');
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
