// The IPC round trip of the key table's data, measured where the renderer makes it: in real Chromium on
// the production renderer build, through `window.keyward` (the built preload), the binding that plays
// ipcRenderer/ipcMain, and main's real dispatch — sender check, zod input, handler, zod check of every
// output row — over a real engine with 1,000 integrations (one active key each). `npm run bench:ipc`.
//
// Candidate: `keys.list` without an integration, i.e. all 1,000 keys (≈ 300 kB as JSON).
// Baseline, in the same run and the same page: `app.activity`, the contract's no-op (empty input,
// empty output): the fixed cost of one crossing. Interleaved rounds (bench-kit `alternate`); each
// sample is timed inside the page with performance.now() around one `keyward.call`.
//
// Ratio = median keys.list ÷ median no-op; target ≤ 25. Why 25: a crossing costs about a millisecond
// here, and 25 of them keep a full 1k-row refresh within two frames (≈ 33 ms) on this 2-core machine
// — the key table's budget (docs/targets.md: keystroke-to-paint ≤ 100 ms) leaves room for rendering only
// if fetching is a small share of it. Today's ≈ 10 leaves room for a loaded CI machine; what the
// target exists to catch moves it far past 25: per-row IPC (×1000), a handler doing a query per row,
// or answers that no longer cross as one JSON text (Playwright's own serializer: ≈ 55). The
// breakdown printed below (engine, dispatch with its zod output check, the crossing) shows what the
// ratio is made of. The crossing here is the DevTools protocol, slower than Electron's IPC for
// large answers, so the app's own ratio is lower than this one: the target holds there a fortiori.
import { createDispatch, trustedSenderFor } from '../../electron/main/ipc/dispatch.ts';
import { createEngineHandlers } from '../../electron/main/ipc/engine-handlers.ts';
import { CHANNELS } from '../../shared/ipc/channels.ts';
import type { IpcResult } from '../../shared/ipc/contract.ts';
import { startE2eEnvironment } from '../support/e2e/environment.ts';
import type { PageGlobals } from '../support/e2e/page-globals.ts';
import { alternate, describeTimings, envCount, median, ms, printHeader, reportResult } from './bench-kit.ts';

const TARGET_RATIO = 25;
const COUNT = envCount('KEYWARD_BENCH_INTEGRATIONS', 1000);
const ROUNDS = envCount('KEYWARD_BENCH_ROUNDS', 101);
const WARMUP = 10;
// `app.activity` is the contract's no-op; a contract without it falls back to the cheapest read.
const NOOP = (CHANNELS as readonly string[]).includes('app.activity') ? 'app.activity' : 'vault.status';

const environment = await startE2eEnvironment();
printHeader('IPC round trip from the page: keys.list (all keys) vs the no-op', {
  chromium: environment.browser.version(),
  integrations: String(COUNT),
  rounds: `${ROUNDS} (+${WARMUP} warm-up)`,
});

try {
  let seeded = 0;
  const app = await environment.openApp({
    seed: (engine) => {
      const start = performance.now();
      for (let i = 0; i < COUNT; i++) {
        engine.createIntegration({
          name: `bench integration ${String(i).padStart(4, '0')}`,
          platform: 'server',
        });
      }
      seeded = performance.now() - start;
    },
  });
  console.log(`seeded ${COUNT} integrations through the engine in ${ms(seeded)}`);
  const { page } = app;

  /** One call from the page, timed in the page. */
  const timed = (
    channel: string,
    input: unknown,
  ): Promise<{ elapsed: number; rows: number; bytes: number }> =>
    page.evaluate(
      async ([name, payload]) => {
        const { keyward } = globalThis as unknown as PageGlobals;
        const start = performance.now();
        const result = (await keyward.call(name, payload)) as IpcResult<unknown>;
        const elapsed = performance.now() - start;
        if (!result.ok) {
          throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
        }
        const rows = Array.isArray(result.value) ? result.value.length : 0;
        return { elapsed, rows, bytes: JSON.stringify(result.value).length };
      },
      [channel, input] as const,
    );

  const first = await timed('keys.list', {});
  console.log(`keys.list answers ${first.rows} keys, ${(first.bytes / 1024).toFixed(0)} kB as JSON`);
  const samples = await alternate({
    warmup: WARMUP,
    rounds: ROUNDS,
    candidate: async () => (await timed('keys.list', {})).elapsed,
    baseline: async () => (await timed(NOOP, {})).elapsed,
  });

  // Where the time goes: the same dispatch in Node without the browser, and the engine call alone.
  const dispatch = createDispatch({
    handlers: createEngineHandlers(app.engine, {
      clipboard: app.guard,
      chooseSaveFile: () => Promise.resolve(null),
      chooseOpenFile: () => Promise.resolve(null),
    }),
    isTrustedSender: trustedSenderFor(app.origin),
  });
  const sender = { url: app.url, isMainFrame: true, isOurWindow: true };
  const inNode = await alternate({
    warmup: WARMUP,
    rounds: ROUNDS,
    candidate: async () => {
      const start = performance.now();
      await dispatch('keys.list', {}, sender);
      return performance.now() - start;
    },
    baseline: () => {
      const start = performance.now();
      app.engine.listKeys();
      return performance.now() - start;
    },
  });

  const list = median(samples.candidate);
  const noop = median(samples.baseline);
  console.log(`keys.list (${first.rows} keys), from the page: ${describeTimings(samples.candidate)}`);
  console.log(
    `${NOOP} (no-op), from the page:${' '.repeat(Math.max(1, 12 - NOOP.length))}${describeTimings(samples.baseline)}`,
  );
  console.log(`  of which engine listKeys():        ${describeTimings(inNode.baseline)}`);
  console.log(`  of which dispatch in Node (+zod):  ${describeTimings(inNode.candidate)}`);
  console.log(
    `  the crossing (page ⇄ main, ${(first.bytes / 1024).toFixed(0)} kB): ≈ ${ms(Math.max(0, list - median(inNode.candidate)))}`,
  );
  await app.dispose();
  reportResult({
    name: 'ipc-roundtrip-1k',
    ratio: list / noop,
    op: '<=',
    target: TARGET_RATIO,
    checks: [{ label: `keys.list returned all ${COUNT} keys`, pass: first.rows === COUNT }],
  });
} finally {
  await environment.close();
}
