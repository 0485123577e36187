// Which clipboard the CLI picks on each OS, what it says when there is none, and the tool plumbing
// (stdin in, stdout out, exit codes) through stand-in `wl-copy`/`wl-paste`/`pbcopy` scripts — so the
// Wayland and macOS paths run here too, without a compositor or a Mac.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendEnvironment } from '../../../electron/cli/clipboard/clipboard-backends.ts';
import { pickClipboardBackend } from '../../../electron/cli/clipboard/clipboard-backends.ts';
import { parseClearLaterArgs, scheduleClipboardClear } from '../../../electron/cli/clipboard/clear-later.ts';
import { findExecutable } from '../../../electron/cli/clipboard/find-executable.ts';
import { OsClipboard, openOsClipboard } from '../../../electron/cli/clipboard/os-clipboard.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { codeOf, codeOfAsync } from '../../support/checks.ts';
import { makeTempDir } from '../../support/temp-vault.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup();
  }
});

function tempDir(): string {
  const made = makeTempDir('keyward-clipboard-');
  cleanups.push(made.cleanup);
  return made.dir;
}

/** A `find` that knows exactly these tools, at made-up absolute paths. */
function toolsAt(...names: string[]): (name: string) => string | null {
  return (name) => (names.includes(name) ? `/usr/bin/${name}` : null);
}

function pick(where: Partial<BackendEnvironment> & { env: NodeJS.ProcessEnv }) {
  return pickClipboardBackend({ platform: 'linux', wlCopyHasSensitive: () => false, ...where });
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof KeywardError) {
      return `${error.code}: ${error.message}`;
    }
    throw error;
  }
  return 'no error';
}

describe('picking the clipboard', () => {
  it('refuses without a graphical session, naming what is missing and pointing at stdout', () => {
    const message = messageOf(() =>
      pick({ env: { PATH: '/usr/bin' }, find: toolsAt('xclip', 'wl-copy', 'wl-paste') }),
    );
    expect(message).toMatch(
      /^INVALID_STATE: No clipboard is available: neither WAYLAND_DISPLAY nor DISPLAY is set/,
    );
    expect(message).toContain('`keyward secret` prints to stdout instead.');
  });

  it('refuses on X11 without xclip or xsel, and says so', () => {
    const message = messageOf(() => pick({ env: { DISPLAY: ':0' }, find: toolsAt() }));
    expect(message).toContain('DISPLAY is set (X11) but neither xclip nor xsel is installed');
    expect(message).toContain('`keyward secret` prints to stdout instead.');
  });

  it('refuses on Wayland without wl-clipboard (and no XWayland to fall back on)', () => {
    const message = messageOf(() => pick({ env: { WAYLAND_DISPLAY: 'wayland-0' }, find: toolsAt('xclip') }));
    expect(message).toContain(
      'WAYLAND_DISPLAY is set but wl-copy/wl-paste (package wl-clipboard) are not installed',
    );
  });

  it('X11: xclip first, xsel when xclip is missing, and either on request', () => {
    expect(pick({ env: { DISPLAY: ':1' }, find: toolsAt('xclip', 'xsel') }).name).toBe('xclip');
    expect(pick({ env: { DISPLAY: ':1' }, find: toolsAt('xsel') }).name).toBe('xsel');
    expect(pick({ env: { DISPLAY: ':1' }, find: toolsAt('xclip', 'xsel'), only: 'xsel' }).name).toBe('xsel');
    const xclip = pick({ env: { DISPLAY: ':1' }, find: toolsAt('xclip') });
    expect(xclip.description).toBe('xclip (X11, DISPLAY=:1)');
    expect(xclip.supportsSelection).toBe(true);
    expect(xclip.write('selection').args).toEqual(['-selection', 'primary', '-in']);
    expect(xclip.read('clipboard').args).toEqual(['-selection', 'clipboard', '-out']);
  });

  it('Wayland: wl-clipboard, with an explicit text type, and XWayland’s xclip when wl-clipboard is missing', () => {
    const env = { WAYLAND_DISPLAY: 'wayland-1', DISPLAY: ':0' };
    const wl = pick({ env, find: toolsAt('wl-copy', 'wl-paste', 'xclip') });
    expect(wl.name).toBe('wl-clipboard');
    expect(wl.write('clipboard').args).toEqual(['--type', 'text/plain']);
    expect(wl.write('selection').args).toEqual(['--primary', '--type', 'text/plain']);
    expect(wl.read('selection').args).toEqual(['--primary', '--no-newline', '--type', 'text']);
    expect(wl.clear('clipboard').args).toEqual(['--clear']);
    expect(wl.marksSecret).toBe(false);
    expect(pick({ env, find: toolsAt('xclip') }).name).toBe('xclip');
  });

  it('Wayland: marks copies secret when this wl-copy has --sensitive', () => {
    const wl = pick({
      env: { WAYLAND_DISPLAY: 'wayland-1' },
      find: toolsAt('wl-copy', 'wl-paste'),
      wlCopyHasSensitive: () => true,
    });
    expect(wl.write('clipboard').args).toEqual(['--type', 'text/plain', '--sensitive']);
    expect(new OsClipboard(wl).describe()).toBe(
      'wl-clipboard (Wayland, WAYLAND_DISPLAY=wayland-1), marked secret for clipboard managers',
    );
  });

  it('Wayland: wl-copy keeps its buffer file in XDG_RUNTIME_DIR, not /tmp', () => {
    const runtime = tempDir();
    const wl = pick({
      env: { WAYLAND_DISPLAY: 'w', XDG_RUNTIME_DIR: runtime },
      find: toolsAt('wl-copy', 'wl-paste'),
    });
    expect(wl.env['TMPDIR']).toBe(runtime);
    const noRuntime = pick({ env: { WAYLAND_DISPLAY: 'w' }, find: toolsAt('wl-copy', 'wl-paste') });
    expect(noRuntime.env['TMPDIR']).toBeUndefined();
  });

  it('macOS: pbcopy/pbpaste, no selection', () => {
    const mac = pick({ platform: 'darwin', env: {}, find: toolsAt('pbcopy', 'pbpaste') });
    expect(mac.name).toBe('pbcopy');
    expect(mac.supportsSelection).toBe(false);
    expect(codeOf(() => pick({ platform: 'darwin', env: {}, find: toolsAt() }))).toBe('INVALID_STATE');
  });

  it('Windows: clip.exe writes, PowerShell reads through an encoded script, ASCII only', async () => {
    const win = pick({ platform: 'win32', env: {}, find: toolsAt('clip.exe', 'powershell.exe') });
    expect(win.name).toBe('windows');
    expect(win.write('clipboard')).toEqual({ file: '/usr/bin/clip.exe', args: [], daemonizes: false });
    const read = win.read('clipboard');
    expect(read.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-EncodedCommand']);
    const script = Buffer.from(read.args[3] ?? '', 'base64').toString('utf16le');
    expect(script).toContain('Get-Clipboard -Raw');
    expect(script).toContain('UTF8Encoding $false');
    expect(await codeOfAsync(new OsClipboard(win).write('naïve', 'clipboard'))).toBe('INVALID_INPUT');
    expect(messageOf(() => pick({ platform: 'win32', env: {}, find: toolsAt() }))).toContain(
      'clip.exe and PowerShell (powershell.exe or pwsh.exe) not found on PATH',
    );
  });

  it('never offers a primary selection where there is none', async () => {
    const mac = new OsClipboard(pick({ platform: 'darwin', env: {}, find: toolsAt('pbcopy', 'pbpaste') }));
    expect(await codeOfAsync(mac.read('selection'))).toBe('INVALID_STATE');
  });
});

describe('findExecutable', () => {
  it('finds executables on PATH, skipping relative entries (the current folder)', () => {
    const dir = tempDir();
    const tool = join(dir, 'xclip');
    writeFileSync(tool, '#!/bin/sh\n');
    chmodSync(tool, 0o755);
    writeFileSync(join(dir, 'not-executable'), '');
    expect(findExecutable('xclip', { PATH: `relative/bin:${dir}` }, 'linux')).toBe(tool);
    expect(findExecutable('not-executable', { PATH: dir }, 'linux')).toBeNull();
    expect(findExecutable('xclip', { PATH: '.' }, 'linux')).toBeNull();
  });

  it('tries PATHEXT on Windows', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'clip.EXE'), '');
    expect(findExecutable('clip', { Path: dir, PATHEXT: '.COM;.EXE' }, 'win32')).toBe(join(dir, 'clip.EXE'));
  });
});

/** Stand-in wl-copy / wl-paste / pbcopy / pbpaste that keep "the clipboard" in files. */
function fakeTools(): { bin: string; store: string; log: string } {
  const bin = tempDir();
  const store = join(bin, 'store');
  mkdirSync(store);
  const log = join(bin, 'log');
  const scripts: Record<string, string> = {
    'wl-copy': `
echo "wl-copy $* TMPDIR=$TMPDIR" >> "$FAKE_LOG"
target=clipboard; case " $* " in *" --primary "*) target=primary;; esac
case " $* " in *" --clear "*) rm -f "$FAKE_STORE/$target"; exit 0;; esac
cat > "$FAKE_STORE/$target"`,
    'wl-paste': `
target=clipboard; case " $* " in *" --primary "*) target=primary;; esac
if [ -f "$FAKE_STORE/$target" ]; then cat "$FAKE_STORE/$target"; else echo "No selection" >&2; exit 1; fi`,
    pbcopy: `cat > "$FAKE_STORE/clipboard"`,
    pbpaste: `cat "$FAKE_STORE/clipboard" 2>/dev/null || true`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, store, log };
}

describe.skipIf(process.platform === 'win32')('OsClipboard through stand-in tools', () => {
  it('Wayland path: text on stdin, read back exactly, null when nothing is copied, cleared', async () => {
    const { bin, store, log } = fakeTools();
    const runtime = tempDir();
    const env = {
      PATH: `${bin}:/usr/bin:/bin`,
      WAYLAND_DISPLAY: 'wayland-test',
      XDG_RUNTIME_DIR: runtime,
      FAKE_STORE: store,
      FAKE_LOG: log,
    };
    const clipboard = openOsClipboard({ env, platform: 'linux', wlCopyHasSensitive: () => false });
    expect(await clipboard.read('clipboard')).toBeNull();

    const secret = 'kw_live_StdinOnly_0123456789\n';
    await clipboard.write(secret, 'clipboard');
    await clipboard.write(secret, 'selection');
    expect(readFileSync(join(store, 'clipboard'), 'utf8')).toBe(secret);
    expect(await clipboard.read('selection')).toBe(secret);

    await clipboard.clear('clipboard');
    expect(await clipboard.read('clipboard')).toBeNull();
    const calls = readFileSync(log, 'utf8');
    expect(calls).not.toContain('kw_live_');
    expect(calls).toContain(`wl-copy --primary --type text/plain TMPDIR=${runtime}`);
  });

  it('macOS path, played by stand-ins: write, read, clear to empty', async () => {
    const { bin, store } = fakeTools();
    const env = { PATH: `${bin}:/usr/bin:/bin`, FAKE_STORE: store };
    const clipboard = openOsClipboard({ env, platform: 'darwin' });
    await clipboard.write('kw_test_mac', 'clipboard');
    expect(await clipboard.read('clipboard')).toBe('kw_test_mac');
    await clipboard.clear('clipboard');
    expect(await clipboard.read('clipboard')).toBe('');
  });

  it('a failing tool becomes INVALID_STATE with its exit code and first stderr line', async () => {
    const bin = tempDir();
    writeFileSync(join(bin, 'xclip'), '#!/bin/sh\necho "Error: Can\'t open display: :99" >&2\nexit 1\n');
    chmodSync(join(bin, 'xclip'), 0o755);
    const clipboard = openOsClipboard({ env: { PATH: bin, DISPLAY: ':99' }, platform: 'linux' });
    await expect(clipboard.write('x', 'clipboard')).rejects.toThrow(
      "Could not write to the clipboard with xclip: it exited with 1: Error: Can't open display: :99.",
    );
  });
});

describe('clear-later arguments', () => {
  const digest = 'a'.repeat(64);
  const env = { KEYWARD_CLIPBOARD_SHA256: digest };

  it('parses what scheduleClipboardClear passes', () => {
    expect(
      parseClearLaterArgs(
        ['--backend', 'xsel', '--delay-ms', '30000', '--targets', 'clipboard,selection'],
        env,
      ),
    ).toEqual({ backend: 'xsel', digest, delayMs: 30_000, targets: ['clipboard', 'selection'] });
  });

  it('refuses anything else', () => {
    const ok = ['--backend', 'xclip', '--delay-ms', '1000', '--targets', 'clipboard'];
    expect(codeOf(() => parseClearLaterArgs(ok, {}))).toBe('INVALID_INPUT'); // no digest
    expect(codeOf(() => parseClearLaterArgs(ok, { KEYWARD_CLIPBOARD_SHA256: 'xyz' }))).toBe('INVALID_INPUT');
    const swap = (index: number, value: string) => ok.map((arg, i) => (i === index ? value : arg));
    expect(codeOf(() => parseClearLaterArgs(swap(1, 'klipper'), env))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseClearLaterArgs(swap(3, '-5'), env))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseClearLaterArgs(swap(3, 'soon'), env))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseClearLaterArgs(swap(5, 'clipboard,clipboard'), env))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseClearLaterArgs(swap(5, 'secondary'), env))).toBe('INVALID_INPUT');
    expect(() => parseClearLaterArgs([...ok, 'the-secret-as-an-argument'], env)).toThrow();
  });

  it('scheduleClipboardClear refuses a malformed digest before starting anything', () => {
    expect(
      codeOf(() =>
        scheduleClipboardClear({
          backend: 'xclip',
          digest: 'not-a-digest',
          delayMs: 1,
          targets: ['clipboard'],
          env: {},
        }),
      ),
    ).toBe('INVALID_INPUT');
  });
});
