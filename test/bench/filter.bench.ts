// Filter 100k integrations as the user types (docs/targets.md: p95 ≤ 50 ms in the engine).
// Baseline in the same run: the same term as a bare SQL LIKE scan returning only ids. Ratio =
// engine p95 ÷ 50 ms budget (≤ 1 passes); the baseline p95 is printed alongside for scale.
import { makeLifecycle } from '../support/lifecycle-fixture.ts';
import { envCount, percentile, printHeader, reportResult, describeTimings } from './bench-kit.ts';

const COUNT = envCount('KEYWARD_BENCH_INTEGRATIONS', 100_000);
const BUDGET_MS = 50;
printHeader('Filter integrations as you type', { integrations: String(COUNT) });

const { integrations, db, cleanup } = makeLifecycle();
process.on('exit', cleanup);
const words = ['billing', 'payments', 'webhooks', 'mobile', 'partner', 'reporting', 'search', 'export'];
const platforms = ['web', 'mobile', 'desktop', 'server', 'other'];
const insert = db.prepare(
  `INSERT INTO integrations (id, name, name_key, website, platform, ip_acl, prefix, rotation_days, grace_days,
     never_expire, enabled, notes, created_at, updated_at)
   VALUES (?, ?, ?, NULL, ?, '[]', 'kw_', 365, 30, 0, 1, NULL, 0, 0)`,
);
db.transaction(() => {
  for (let i = 0; i < COUNT; i++) {
    const name = `${words[i % words.length]} ${words[(i * 7) % words.length]} ${i}`;
    insert.run(`id-${i}`, name, name.toLowerCase(), platforms[i % platforms.length]);
  }
})();

// What a person types: growing prefixes of a few searches, then a miss and a clear.
const keystrokes = [
  'p',
  'pa',
  'pay',
  'paym',
  'payme',
  'paymen',
  'payment',
  'payments',
  'payments 4',
  'payments 42',
  'w',
  'we',
  'web',
  'webh',
  'webhooks 9',
  'zzz',
  '',
  'server',
  'mobile 1',
  'export',
];
const likeBaseline = db.prepare(
  `SELECT id FROM integrations WHERE name_key LIKE ? ESCAPE '\\' ORDER BY name_key LIMIT 100`,
);

integrations.searchIntegrations(''); // builds the index, as the first keystroke after a change does
const engine: number[] = [];
const baseline: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const term of keystrokes) {
    let start = performance.now();
    integrations.searchIntegrations(term, { limit: 100 });
    engine.push(performance.now() - start);
    start = performance.now();
    likeBaseline.all(`%${term}%`);
    baseline.push(performance.now() - start);
  }
}
console.log(
  `engine search (page of 100 + total): ${describeTimings(engine)}  p95 ${percentile(engine, 95).toFixed(2)} ms`,
);
console.log(
  `bare SQL LIKE (ids, limit 100):      ${describeTimings(baseline)}  p95 ${percentile(baseline, 95).toFixed(2)} ms`,
);
const start = performance.now();
integrations.createIntegration({ name: 'one more', platform: 'web' }, { actor: 'bench' });
integrations.searchIntegrations('one');
console.log(`first search after a change (index rebuild): ${(performance.now() - start).toFixed(1)} ms`);
reportResult({ name: 'filter-100k', ratio: percentile(engine, 95) / BUDGET_MS, op: '<=', target: 1 });
