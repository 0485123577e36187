import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { KeywardError } from '../../../shared/errors.ts';
import type { ClipboardTarget } from '../../vault/clipboard/clipboard.ts';
import { findExecutable } from './find-executable.ts';
import type { ToolResult } from './run-tool.ts';

/** The OS clipboard mechanisms the CLI knows. */
export type ClipboardBackendName = 'wl-clipboard' | 'xclip' | 'xsel' | 'pbcopy' | 'windows';

/** Every backend name (for validating one received on a command line). */
export const CLIPBOARD_BACKEND_NAMES: readonly ClipboardBackendName[] = [
  'wl-clipboard',
  'xclip',
  'xsel',
  'pbcopy',
  'windows',
];

/** One tool invocation. Text, when there is any, goes on stdin. */
export interface ToolCommand {
  /** Absolute path of the executable. */
  file: string;
  args: readonly string[];
  /** It leaves a background process serving the clipboard (see `ToolRun.daemonizes`). */
  daemonizes: boolean;
}

/**
 * How one OS clipboard mechanism reads, writes and clears. Pure data plus two small predicates:
 * `OsClipboard` runs the commands.
 */
export interface ClipboardBackend {
  name: ClipboardBackendName;
  /** What the user is told, e.g. `xclip (X11, DISPLAY=:0)`. */
  description: string;
  supportsSelection: boolean;
  /** True when copies are marked secret for clipboard managers / history (see README.md). */
  marksSecret: boolean;
  /** The tools can only carry ASCII text faithfully (clip.exe reads its input in the ANSI code page). */
  asciiOnly: boolean;
  /** Environment for every tool run: the caller's, plus what the backend needs. */
  env: NodeJS.ProcessEnv;
  /** Puts stdin on `target`. */
  write(target: ClipboardTarget): ToolCommand;
  /** Prints `target` on stdout. */
  read(target: ClipboardTarget): ToolCommand;
  /** Empties `target`; run with empty stdin. */
  clear(target: ClipboardTarget): ToolCommand;
  /** A failed read that only means "nothing (textual) is there". */
  readFoundNothing(result: ToolResult): boolean;
}

/** Where to look for a clipboard. Everything is injectable so tests can play any OS. */
export interface BackendEnvironment {
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Finds an executable on PATH (default: {@link findExecutable}). */
  find?: (name: string) => string | null;
  /** Whether the installed wl-copy has `--sensitive` (default: asks `wl-copy --help`). */
  wlCopyHasSensitive?: (wlCopy: string) => boolean;
  /** Use exactly this backend (the detached clear uses the one the copy used). */
  only?: ClipboardBackendName;
}

const STDOUT_FALLBACK = '`keyward secret` prints to stdout instead.';

function unavailable(reason: string): KeywardError {
  return new KeywardError('INVALID_STATE', `No clipboard is available: ${reason}. ${STDOUT_FALLBACK}`);
}

/**
 * Picks the clipboard mechanism for this environment:
 * - Linux and other Unixes: Wayland (`WAYLAND_DISPLAY` set) → wl-copy/wl-paste; X11 (`DISPLAY` set,
 *   including XWayland when wl-clipboard is missing) → xclip, else xsel.
 * - macOS → pbcopy/pbpaste. Windows → clip.exe to write, PowerShell `Get-Clipboard` to read.
 *
 * Throws INVALID_STATE, naming what is missing, when there is no usable clipboard.
 */
export function pickClipboardBackend(where: BackendEnvironment): ClipboardBackend {
  const platform = where.platform ?? process.platform;
  const env = where.env;
  const find = where.find ?? ((name: string) => findExecutable(name, env, platform));
  const hasSensitive = where.wlCopyHasSensitive ?? wlCopyListsSensitive;
  const wanted = (name: ClipboardBackendName): boolean => where.only === undefined || where.only === name;

  if (platform === 'win32') {
    return wanted('windows') ? windowsBackend(env, find) : refuseOnly(where.only, 'Windows');
  }
  if (platform === 'darwin') {
    return wanted('pbcopy') ? macBackend(env, find) : refuseOnly(where.only, 'macOS');
  }

  const wayland = nonEmpty(env['WAYLAND_DISPLAY']);
  const x11 = nonEmpty(env['DISPLAY']);
  const missing: string[] = [];
  if (wayland !== null && wanted('wl-clipboard')) {
    const wlCopy = find('wl-copy');
    const wlPaste = find('wl-paste');
    if (wlCopy !== null && wlPaste !== null) {
      return wlClipboardBackend(env, wayland, wlCopy, wlPaste, hasSensitive(wlCopy));
    }
    missing.push(`WAYLAND_DISPLAY is set but wl-copy/wl-paste (package wl-clipboard) are not installed`);
  }
  if (x11 !== null && (wanted('xclip') || wanted('xsel'))) {
    const xclip = wanted('xclip') ? find('xclip') : null;
    if (xclip !== null) {
      return xclipBackend(env, x11, xclip);
    }
    const xsel = wanted('xsel') ? find('xsel') : null;
    if (xsel !== null) {
      return xselBackend(env, x11, xsel);
    }
    missing.push(`DISPLAY is set (X11) but neither xclip nor xsel is installed`);
  }
  if (wayland === null && x11 === null) {
    throw unavailable(
      'neither WAYLAND_DISPLAY nor DISPLAY is set, so there is no graphical session to hold a clipboard (SSH, a container or a plain console)',
    );
  }
  if (missing.length === 0) {
    throw unavailable(`the ${where.only ?? 'requested'} clipboard tool cannot be used in this session`);
  }
  throw unavailable(
    `${missing.join('; ')} — install one (for example \`apt install xclip\` or \`apt install wl-clipboard\`)`,
  );
}

function refuseOnly(only: ClipboardBackendName | undefined, os: string): never {
  throw unavailable(`the ${only ?? 'requested'} clipboard tool does not exist on ${os}`);
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value;
}

function wlClipboardBackend(
  env: NodeJS.ProcessEnv,
  display: string,
  wlCopy: string,
  wlPaste: string,
  sensitive: boolean,
): ClipboardBackend {
  const primary = (target: ClipboardTarget): string[] => (target === 'selection' ? ['--primary'] : []);
  // wl-copy keeps what it serves in a file under $TMPDIR (default /tmp) until it loses the
  // clipboard. $XDG_RUNTIME_DIR is the user's own 0700 folder, in memory on systemd systems.
  const runtimeDir = nonEmpty(env['XDG_RUNTIME_DIR']);
  const toolEnv = runtimeDir !== null && isFolder(runtimeDir) ? { ...env, TMPDIR: runtimeDir } : env;
  return {
    name: 'wl-clipboard',
    description: `wl-clipboard (Wayland, WAYLAND_DISPLAY=${display})`,
    supportsSelection: true,
    marksSecret: sensitive,
    asciiOnly: false,
    env: toolEnv,
    write: (target) => ({
      file: wlCopy,
      // An explicit text type: otherwise wl-copy guesses one with xdg-mime, which may not be text.
      args: [...primary(target), '--type', 'text/plain', ...(sensitive ? ['--sensitive'] : [])],
      daemonizes: true,
    }),
    read: (target) => ({
      file: wlPaste,
      args: [...primary(target), '--no-newline', '--type', 'text'],
      daemonizes: false,
    }),
    clear: (target) => ({ file: wlCopy, args: [...primary(target), '--clear'], daemonizes: false }),
    readFoundNothing: (result) =>
      /No selection|Nothing is copied|No suitable type of content/i.test(result.stderr),
  };
}

function xclipBackend(env: NodeJS.ProcessEnv, display: string, xclip: string): ClipboardBackend {
  const selection = (target: ClipboardTarget): string[] => [
    '-selection',
    target === 'selection' ? 'primary' : 'clipboard',
  ];
  return {
    name: 'xclip',
    description: `xclip (X11, DISPLAY=${display})`,
    supportsSelection: true,
    marksSecret: false,
    asciiOnly: false,
    env,
    write: (target) => ({ file: xclip, args: [...selection(target), '-in'], daemonizes: true }),
    read: (target) => ({ file: xclip, args: [...selection(target), '-out'], daemonizes: false }),
    // xclip cannot give a selection up: it takes it over with empty text instead.
    clear: (target) => ({ file: xclip, args: [...selection(target), '-in'], daemonizes: true }),
    readFoundNothing: (result) => /not available/i.test(result.stderr),
  };
}

function xselBackend(env: NodeJS.ProcessEnv, display: string, xsel: string): ClipboardBackend {
  const selection = (target: ClipboardTarget): string =>
    target === 'selection' ? '--primary' : '--clipboard';
  return {
    name: 'xsel',
    description: `xsel (X11, DISPLAY=${display})`,
    supportsSelection: true,
    marksSecret: false,
    asciiOnly: false,
    env,
    write: (target) => ({ file: xsel, args: [selection(target), '--input'], daemonizes: true }),
    read: (target) => ({ file: xsel, args: [selection(target), '--output'], daemonizes: false }),
    clear: (target) => ({ file: xsel, args: [selection(target), '--clear'], daemonizes: true }),
    readFoundNothing: () => false,
  };
}

function macBackend(env: NodeJS.ProcessEnv, find: (name: string) => string | null): ClipboardBackend {
  const pbcopy = find('pbcopy');
  const pbpaste = find('pbpaste');
  if (pbcopy === null || pbpaste === null) {
    throw unavailable('pbcopy/pbpaste (part of macOS, normally in /usr/bin) are not on PATH');
  }
  return {
    name: 'pbcopy',
    description: 'pbcopy/pbpaste (macOS)',
    supportsSelection: false,
    marksSecret: false,
    asciiOnly: false,
    env,
    write: () => ({ file: pbcopy, args: [], daemonizes: false }),
    read: () => ({ file: pbpaste, args: [], daemonizes: false }),
    clear: () => ({ file: pbcopy, args: [], daemonizes: false }),
    readFoundNothing: () => false,
  };
}

/** PowerShell that prints the clipboard's text as UTF-8 without a BOM (nothing when it holds none). */
const WINDOWS_READ_SCRIPT =
  '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false; ' +
  '$text = Get-Clipboard -Raw; if ($null -ne $text) { [Console]::Out.Write($text) }';

function windowsBackend(env: NodeJS.ProcessEnv, find: (name: string) => string | null): ClipboardBackend {
  const clip = find('clip.exe');
  const powershell = find('powershell.exe') ?? find('pwsh.exe');
  if (clip === null || powershell === null) {
    const absent = [
      ...(clip === null ? ['clip.exe'] : []),
      ...(powershell === null ? ['PowerShell (powershell.exe or pwsh.exe)'] : []),
    ];
    throw unavailable(`${absent.join(' and ')} not found on PATH`);
  }
  // -EncodedCommand (base64 of UTF-16LE) so no quoting of the script can go wrong.
  const encoded = Buffer.from(WINDOWS_READ_SCRIPT, 'utf16le').toString('base64');
  return {
    name: 'windows',
    description: 'clip.exe + PowerShell Get-Clipboard (Windows)',
    supportsSelection: false,
    marksSecret: false,
    asciiOnly: true,
    env,
    write: () => ({ file: clip, args: [], daemonizes: false }),
    read: () => ({
      file: powershell,
      args: ['-NoProfile', '-NonInteractive', '-EncodedCommand', encoded],
      daemonizes: false,
    }),
    // clip.exe with empty input leaves an empty clipboard (the `echo off | clip` idiom).
    clear: () => ({ file: clip, args: [], daemonizes: false }),
    readFoundNothing: () => false,
  };
}

function isFolder(path: string): boolean {
  try {
    return isAbsolute(path) && statSync(path).isDirectory();
  } catch {
    // Missing or unreadable: not a folder we can use — a probe, not a fault.
    return false;
  }
}

/** Whether this wl-copy has `--sensitive` (wl-clipboard 2.3.0 and later list it in `--help`). */
function wlCopyListsSensitive(wlCopy: string): boolean {
  const help = spawnSync(wlCopy, ['--help'], {
    encoding: 'utf8',
    timeout: 3_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return `${help.stdout}${help.stderr}`.includes('--sensitive');
}
