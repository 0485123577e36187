import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { findExecutable } from '../../../electron/cli/clipboard/find-executable.ts';

/** Why the X11 clipboard tests cannot run here, or null when they can. */
export function x11SkipReason(tools: readonly string[] = ['Xvfb', 'xclip']): string | null {
  if (process.platform !== 'linux') {
    return `the X11 clipboard tests run on Linux only (this is ${process.platform})`;
  }
  const missing = tools.filter((tool) => findExecutable(tool, process.env) === null);
  return missing.length === 0
    ? null
    : `${missing.join(' and ')} not installed (apt-get install -y xvfb xclip xsel)`;
}

/** A private, headless X server for one test file. */
export interface XServer {
  display: string;
  /** The test's environment with DISPLAY pointing at this server and no Wayland. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Starts Xvfb on a free display number (Xvfb picks it and reports it through `-displayfd`). */
export function startXvfb(): Promise<XServer> {
  const xvfb = findExecutable('Xvfb', process.env);
  if (xvfb === null) {
    return Promise.reject(new Error('Xvfb is not installed'));
  }
  const child: ChildProcess = spawn(
    xvfb,
    ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let reported = '';
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Xvfb did not start in time: ${log}`));
    }, 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${log}`));
    });
    const displayPipe = child.stdio[3] as NodeJS.ReadableStream;
    displayPipe.on('data', (chunk: Buffer) => {
      reported += chunk.toString();
      if (!reported.includes('\n')) {
        return;
      }
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const display = `:${reported.trim()}`;
      const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
      delete env['WAYLAND_DISPLAY'];
      resolve({
        display,
        env,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) {
              done();
              return;
            }
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** What xclip reads from a selection right now ('' for empty, null when nothing owns it). */
export function xclipRead(env: NodeJS.ProcessEnv, selection: 'clipboard' | 'primary'): string | null {
  const result = spawnSync('xclip', ['-selection', selection, '-out'], {
    env,
    encoding: 'utf8',
    timeout: 5_000,
  });
  return result.status === 0 ? result.stdout : null;
}

/** What a user's copy does: another program takes the selection over with `text`. */
export function xclipWrite(env: NodeJS.ProcessEnv, selection: 'clipboard' | 'primary', text: string): void {
  // xclip's background copy inherits stdout/stderr: give it none, or spawnSync waits for it.
  const result = spawnSync('xclip', ['-selection', selection, '-in'], {
    env,
    input: text,
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 5_000,
  });
  if (result.status !== 0) {
    throw new Error(`xclip -in exited with ${result.status}`);
  }
}

/** Polls `check` every 100 ms until it is true or `timeoutMs` passes; returns its last answer. */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** A running process as /proc shows it to anyone: its argv, and (same user) its environment. */
export interface ProcInfo {
  pid: number;
  argv: string[];
  environ: string[];
}

/** Every process this user can see in /proc, with its argv and environment. */
export function listProcesses(): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8')
        .split('\0')
        .filter((part) => part !== '');
      let environ: string[] = [];
      try {
        environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      } catch {
        // another user's process: its argv is visible, its environment is not
      }
      found.push({ pid: Number(name), argv, environ });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
