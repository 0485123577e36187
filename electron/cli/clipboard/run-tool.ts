import { spawn } from 'node:child_process';

/** What one run of a clipboard tool did. */
export interface ToolResult {
  /** Exit code; null when it was killed (timeout) or died by a signal. */
  code: number | null;
  stdout: Buffer;
  /** The first part of stderr, as text (clipboard tools never print the clipboard there). */
  stderr: string;
  /** It was killed for running longer than {@link ToolRun.timeoutMs}. */
  timedOut: boolean;
}

/** How to run one clipboard tool. */
export interface ToolRun {
  /** Absolute path of the executable (never resolved by the shell or against the current folder). */
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Sent on stdin, then stdin is closed. The only way text reaches a tool: never argv. */
  input?: string;
  /** Collect stdout (readers); writers get /dev/null. */
  captureStdout?: boolean;
  /**
   * The tool forks a background process that keeps serving the clipboard after it exits (xclip,
   * xsel, wl-copy). That process inherits our stderr pipe, so a successful run is over at the
   * tool's exit, not when its pipes close — which could be never.
   */
  daemonizes?: boolean;
  /** Kill the tool after this long (a compositor that never grants focus hangs wl-clipboard). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const STDERR_LIMIT = 2_000;

/**
 * Runs one clipboard tool with `input` on stdin; never a shell. Rejects only when the tool cannot
 * be started at all; a non-zero exit is reported in the result for the caller to judge.
 */
export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.file, [...run.args], {
      env: run.env,
      stdio: ['pipe', run.captureStdout === true ? 'pipe' : 'ignore', 'pipe'],
      windowsHide: true,
    });
    const { stdin, stderr: stderrStream } = child;
    if (stdin === null || stderrStream === null) {
      child.kill('SIGKILL');
      reject(new Error('the tool was started without pipes'));
      return;
    }
    const stdout: Buffer[] = [];
    let stderr = '';
    let exitCode: number | null = null;
    let settled = false;
    let timedOut = false;
    const finish = (): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ code: exitCode, stdout: Buffer.concat(stdout), stderr: stderr.trim(), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs ?? DEFAULT_TIMEOUT_MS);

    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    stderrStream.setEncoding('utf8');
    stderrStream.on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) {
        stderr = (stderr + chunk).slice(0, STDERR_LIMIT);
      }
    });
    child.on('error', (error) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(error);
      }
    });
    child.on('exit', (code) => {
      exitCode = code;
      if (code === 0 && run.daemonizes === true) {
        // The background copy holds our pipes; let go of them so this process can exit.
        stderrStream.destroy();
        child.stdout?.destroy();
        finish();
      }
    });
    child.on('close', finish);
    // A tool that fails before reading its input closes stdin early: that is not our error.
    stdin.on('error', () => undefined);
    stdin.end(run.input ?? '', 'utf8');
  });
}
