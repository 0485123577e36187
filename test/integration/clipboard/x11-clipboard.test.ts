// The CLI's clipboard against a real X server (Xvfb) and the real xclip/xsel: copy, the detached
// delayed clear, "leave it alone if the user copied something else", the primary selection, and
// that the copied text never shows in any process's argv. Skipped, saying why, without Xvfb/xclip.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearLater, DIGEST_VARIABLE } from '../../../electron/cli/clipboard/clear-later.ts';
import { copyToClipboard } from '../../../electron/cli/clipboard/copy-to-clipboard.ts';
import { openOsClipboard } from '../../../electron/cli/clipboard/os-clipboard.ts';
import { clipboardDigest } from '../../../electron/vault/clipboard/clipboard-content.ts';
import type { XServer } from './x11-harness.ts';
import { listProcesses, startXvfb, waitFor, x11SkipReason, xclipRead, xclipWrite } from './x11-harness.ts';

// `xclip -in` / `xsel` may return before the X server has made them the owner: reads straight after a
// copy wait (briefly) until it shows.
const SETTLE = { timeout: 3_000, interval: 20 };
const COPY_MODULE = join(process.cwd(), 'electron/cli/clipboard/copy-to-clipboard.ts');
const skipReason = x11SkipReason();
const xselSkipReason = skipReason ?? x11SkipReason(['xsel']);
if (skipReason !== null) {
  console.warn(`Skipping the X11 clipboard tests: ${skipReason}.`);
} else if (xselSkipReason !== null) {
  console.warn(`Skipping the xsel clipboard tests: ${xselSkipReason}.`);
}

/** A fresh API-key-like secret per test, so no test can pass on another's leftovers. */
function newSecret(): string {
  return `kw_test_${randomBytes(24).toString('base64url')}`;
}

describe.skipIf(skipReason !== null)('X11 clipboard (Xvfb + xclip)', () => {
  let x: XServer;
  const startedClears: number[] = [];

  beforeAll(async () => {
    x = await startXvfb();
  });

  afterAll(async () => {
    for (const pid of startedClears) {
      try {
        process.kill(pid);
      } catch {
        // already done
      }
    }
    await x.stop();
  });

  /** The clear-later children started for `digest` (found by the digest in their environment). */
  function clearChildrenFor(digest: string) {
    return listProcesses().filter((proc) => proc.environ.includes(`${DIGEST_VARIABLE}=${digest}`));
  }

  it('copies to the clipboard and the primary selection, and the detached child clears both', async () => {
    const secret = newSecret();
    const result = await copyToClipboard(secret, { clearAfterSeconds: 1, where: { env: x.env } });

    expect(result.targets).toEqual(['clipboard', 'selection']);
    expect(result.clipboard).toBe(`xclip (X11, DISPLAY=${x.display})`);
    await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe(secret);
    await expect.poll(() => xclipRead(x.env, 'primary'), SETTLE).toBe(secret);

    const cleared = await waitFor(
      () => xclipRead(x.env, 'clipboard') === '' && xclipRead(x.env, 'primary') === '',
      8_000,
    );
    expect(cleared).toBe(true);
  });

  it('leaves the clipboard alone when the user copied something else before the delay', async () => {
    const secret = newSecret();
    await copyToClipboard(secret, { clearAfterSeconds: 1, where: { env: x.env } });
    const children = clearChildrenFor(clipboardDigest(secret));
    expect(children).toHaveLength(1);
    xclipWrite(x.env, 'clipboard', 'the user copied this');

    // The child has done its check once it has exited.
    expect(await waitFor(() => clearChildrenFor(clipboardDigest(secret)).length === 0, 8_000)).toBe(true);
    expect(xclipRead(x.env, 'clipboard')).toBe('the user copied this');
    expect(xclipRead(x.env, 'primary')).toBe(''); // still the copy: cleared
  });

  it('leaves the primary selection alone when the user selected other text, and clears the clipboard', async () => {
    const secret = newSecret();
    await copyToClipboard(secret, { clearAfterSeconds: 1, where: { env: x.env } });
    xclipWrite(x.env, 'primary', 'text the user selected');

    expect(await waitFor(() => clearChildrenFor(clipboardDigest(secret)).length === 0, 8_000)).toBe(true);
    expect(xclipRead(x.env, 'clipboard')).toBe('');
    expect(xclipRead(x.env, 'primary')).toBe('text the user selected');
  });

  it('never puts the text in argv — not the clear child’s, not xclip’s — nor in the child’s environment', async () => {
    const secret = newSecret();
    const digest = clipboardDigest(secret);
    await copyToClipboard(secret, { clearAfterSeconds: 30, where: { env: x.env } });

    const children = clearChildrenFor(digest);
    expect(children).toHaveLength(1);
    const child = children[0];
    if (child === undefined) {
      throw new Error('unreachable');
    }
    startedClears.push(child.pid);
    expect(child.argv.join(' ')).toMatch(
      /clear-later\.ts --backend xclip --delay-ms 30000 --targets clipboard,selection$/,
    );
    expect(child.argv.join('\0')).not.toContain(secret);
    expect(child.argv.join('\0')).not.toContain(digest); // the digest travels in the environment
    expect(child.environ.join('\0')).not.toContain(secret);
    expect(
      child.environ.some((entry) => entry.startsWith('KEYWARD_') && !entry.startsWith(DIGEST_VARIABLE)),
    ).toBe(false);

    // The xclip processes now serving the copy got it on stdin too: no process shows it anywhere.
    await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe(secret);
    const showing = listProcesses().filter((proc) => proc.argv.join('\0').includes(secret));
    expect(showing).toEqual([]);

    process.kill(child.pid);
  });

  it('a copy with "never" starts no clear', async () => {
    const secret = newSecret();
    const result = await copyToClipboard(secret, { clearAfterSeconds: null, where: { env: x.env } });
    expect(result.clearAt).toBeNull();
    expect(clearChildrenFor(clipboardDigest(secret))).toEqual([]);
    await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe(secret);
  });

  it('the clear-later entry, called directly, clears what is unchanged and reports each target', async () => {
    const secret = newSecret();
    const clipboard = openOsClipboard({ env: x.env });
    await clipboard.write(secret, 'clipboard');
    await clipboard.write(secret, 'selection');
    xclipWrite(x.env, 'primary', 'selected meanwhile');

    const started = Date.now();
    const outcomes = await clearLater({
      backend: 'xclip',
      digest: clipboardDigest(secret),
      delayMs: 1_000,
      targets: ['clipboard', 'selection'],
      env: x.env,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(outcomes).toEqual({ clipboard: 'cleared', selection: 'left-alone' });
    expect(xclipRead(x.env, 'clipboard')).toBe('');
    expect(xclipRead(x.env, 'primary')).toBe('selected meanwhile');
  });

  it('reads through the adapter: text as written (UTF-8, newlines), and null when nothing owns the selection', async () => {
    const clipboard = openOsClipboard({ env: x.env });
    await clipboard.write('zwei Zeilen\nmit Ümlaut ✓\n', 'clipboard');
    expect(await clipboard.read('clipboard')).toBe('zwei Zeilen\nmit Ümlaut ✓\n');
    await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe('zwei Zeilen\nmit Ümlaut ✓\n');
    // On a fresh server nothing has ever owned the clipboard.
    const fresh = await startXvfb();
    try {
      expect(await openOsClipboard({ env: fresh.env }).read('clipboard')).toBeNull();
    } finally {
      await fresh.stop();
    }
  });

  describe.skipIf(xselSkipReason !== null)('with xsel instead of xclip', () => {
    it('copies, then clears only what still holds the copy', async () => {
      const secret = newSecret();
      const result = await copyToClipboard(secret, {
        clearAfterSeconds: 1,
        where: { env: x.env, only: 'xsel' },
      });
      expect(result.clipboard).toBe(`xsel (X11, DISPLAY=${x.display})`);
      await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe(secret);
      await expect.poll(() => xclipRead(x.env, 'primary'), SETTLE).toBe(secret);
      xclipWrite(x.env, 'primary', 'mine');

      expect(await waitFor(() => clearChildrenFor(clipboardDigest(secret)).length === 0, 8_000)).toBe(true);
      expect(xclipRead(x.env, 'clipboard')).toBeNull(); // xsel --clear gives the selection up
      expect(xclipRead(x.env, 'primary')).toBe('mine');
    });
  });

  it('a process that copies exits at once: xclip’s background copy does not hold it open', async () => {
    // What `keyward … copy` does, in its own Node process; the text arrives on stdin.
    const script = [
      `import { copyToClipboard } from ${JSON.stringify(COPY_MODULE)};`,
      `let text = ''; for await (const chunk of process.stdin) text += chunk;`,
      `await copyToClipboard(text, { clearAfterSeconds: 1 });`,
    ].join('\n');
    const secret = newSecret();
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: x.env,
      input: secret,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => xclipRead(x.env, 'clipboard'), SETTLE).toBe(secret);
    expect(await waitFor(() => xclipRead(x.env, 'clipboard') === '', 8_000)).toBe(true);
  });
});
