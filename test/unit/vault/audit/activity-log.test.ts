import { describe, expect, it, vi } from 'vitest';
import { generateApiKey } from '../../../../shared/keys/key-format.ts';
import { redactKeyMaterial } from '../../../../shared/keys/redact.ts';
import { lifecyclesPerTest } from '../../../support/lifecycle-per-test.ts';

const newLifecycle = lifecyclesPerTest();
function setup(entries = 5) {
  const made = newLifecycle();
  for (let i = 0; i < entries; i++) {
    made.clock.advance(1000);
    made.log.append({
      actor: 'owner',
      action: 'settings.change',
      outcome: 'success',
      details: { setting: `s${i}`, n: i },
    });
  }
  return made;
}
/** What someone with the database key could do with a SQLite shell: drop the guards, then tamper. */
function dropGuards(db: ReturnType<typeof setup>['db']) {
  db.exec('DROP TRIGGER activity_log_no_update; DROP TRIGGER activity_log_no_delete;');
}

describe('activity log', () => {
  it('chains every entry to the previous one and verifies', () => {
    const { log } = setup();
    const entries = log.all();
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(log.verify()).toMatchObject({ ok: true, entries: 5 });
  });

  it('appends without preparing SQL each time (every change writes an entry in its transaction)', () => {
    const { db, log } = setup(1);
    const prepare = vi.spyOn(db, 'prepare');
    for (let i = 0; i < 50; i++) {
      log.append({ actor: 'owner', action: 'settings.change', outcome: 'success', details: { n: i } });
    }
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();
    expect(log.verify()).toMatchObject({ ok: true, entries: 51 });
  });

  it('is append-only in the schema', () => {
    const { db } = setup();
    expect(() => db.prepare(`UPDATE activity_log SET outcome = 'failure' WHERE seq = 2`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM activity_log WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('detects an edited entry and names it', () => {
    const { db, log } = setup();
    dropGuards(db);
    db.prepare(`UPDATE activity_log SET outcome = 'failure' WHERE seq = 3`).run();
    expect(log.verify()).toMatchObject({ ok: false, firstBadSeq: 3, reason: 'entry 3 was edited' });
  });

  it('detects edited details even when the hash is recomputed for that entry only', () => {
    const { db, log } = setup();
    dropGuards(db);
    db.prepare(`UPDATE activity_log SET details = '{"n":99,"setting":"s1"}' WHERE seq = 2`).run();
    expect(log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('detects a deleted entry in the middle', () => {
    const { db, log } = setup();
    dropGuards(db);
    db.prepare('DELETE FROM activity_log WHERE seq = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('detects deleted entries at the end', () => {
    const { db, log } = setup();
    dropGuards(db);
    db.prepare('DELETE FROM activity_log WHERE seq >= 4').run();
    const verdict = log.verify();
    expect(verdict.ok).toBe(false);
    expect(verdict).toMatchObject({ firstBadSeq: 4 });
  });

  it('detects reordered entries', () => {
    const { db, log } = setup();
    dropGuards(db);
    db.exec(`
      UPDATE activity_log SET seq = 100 WHERE seq = 2;
      UPDATE activity_log SET seq = 2 WHERE seq = 3;
      UPDATE activity_log SET seq = 3 WHERE seq = 100;
    `);
    expect(log.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
  });

  it('refuses to record anything that looks like key material', () => {
    const { log } = setup(0);
    const key = `kw_${'A1b2C3d4'.repeat(6)}xyz`;
    expect(() =>
      log.append({ actor: 'owner', action: 'key.copy', outcome: 'success', details: { value: key } }),
    ).toThrow(/key material/);
    const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(() =>
      log.append({ actor: 'owner', action: 'secret.copy', outcome: 'success', details: { value: jwt } }),
    ).toThrow(/key material/);
    expect(log.all()).toHaveLength(0);
  });

  it('refuses a key glued to other text, the same way redaction sees it (one pattern)', () => {
    const { log } = setup(0);
    const key = generateApiKey('kw_');
    for (const value of [`foo_${key}`, `${key}_suffix`, `name:${key.slice(0, 45)}`]) {
      expect(() =>
        log.append({ actor: 'owner', action: 'key.copy', outcome: 'success', details: { value } }),
      ).toThrow(/key material/);
      expect(redactKeyMaterial(value)).not.toContain(key.slice(8, 20));
    }
    expect(log.all()).toHaveLength(0);
    // Ids, jtis and names the vault writes are not key-shaped.
    log.append({
      actor: 'owner',
      action: 'secret.copy',
      outcome: 'success',
      details: { jti: crypto.randomUUID(), name: 'billing_service_prod', kid: 'k_2026-12-06' },
    });
    expect(log.all()).toHaveLength(1);
  });

  it('lifecycle actions are logged without key material', () => {
    const { lifecycle, integrations, log } = setup(0);
    const { integration, key } = integrations.createIntegration(
      { name: 'logged', platform: 'web' },
      { actor: 'owner' },
    );
    lifecycle.rotate(integration.id, { actor: 'owner' });
    const material = lifecycle.material(key.id);
    const entries = log.all();
    expect(entries.map((entry) => entry.action)).toEqual(['integration.create', 'key.rotate']);
    expect(JSON.stringify(entries)).not.toContain(material);
    expect(log.verify().ok).toBe(true);
  });
});
