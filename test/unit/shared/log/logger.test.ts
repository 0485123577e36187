import { describe, expect, it } from 'vitest';
import { KeywardError } from '../../../../shared/errors.ts';
import {
  createLogger,
  formatLogLine,
  MemoryLogSink,
  newErrorId,
  noopLogger,
  toLogValue,
} from '../../../../shared/log/logger.ts';

const MATERIAL = `kw_${'7'.repeat(43)}AbCdEf`;
const JWT = 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJpMSIsImtleSI6Imt3X0FBQSJ9.c2lnbmF0dXJlLWJ5dGVz';
const DATA_KEY_HEX = 'a1'.repeat(32);

function logged() {
  const sink = new MemoryLogSink();
  return { sink, logger: createLogger({ sink, level: 'debug', now: () => 1_700_000_000_000 }) };
}

describe('the logger port', () => {
  it('writes structured records at or above its level', () => {
    const sink = new MemoryLogSink();
    const logger = createLogger({ sink, level: 'warn', now: () => 42 });
    logger.debug('not kept');
    logger.info('not kept');
    logger.warn('kept', { integrationId: 'i1', count: 3, ok: false, none: undefined });
    logger.error('kept too');
    expect(sink.records).toEqual([
      {
        at: 42,
        level: 'warn',
        message: 'kept',
        fields: { integrationId: 'i1', count: 3, ok: false, none: null },
      },
      { at: 42, level: 'error', message: 'kept too', fields: {} },
    ]);
  });

  it('child loggers add their fields to every record', () => {
    const { sink, logger } = logged();
    logger.child({ component: 'scheduler' }).child({ vault: 'v1' }).info('planned', { at: 5 });
    expect(sink.records[0]?.fields).toEqual({ component: 'scheduler', vault: 'v1', at: 5 });
  });

  it('masks key-shaped and JWT-shaped text in messages, fields, errors, causes and stacks', () => {
    const { sink, logger } = logged();
    const cause = new Error(`token was ${JWT}`);
    const error = new KeywardError('INTERNAL', `failed for ${MATERIAL}`, { cause });
    logger.error(`while handling ${MATERIAL}`, {
      error,
      nested: { list: [MATERIAL, { deeper: JWT }] },
      [MATERIAL]: 'as a field name',
    });
    const text = JSON.stringify(sink.records);
    expect(text).not.toContain(MATERIAL);
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(MATERIAL.slice(8)); // nothing past the masked 8 characters
    expect(text).toContain('kw_77777…');
    expect(text).toContain('eyJ…');
    const fields = sink.records[0]?.fields as Record<string, unknown>;
    expect(fields['error']).toMatchObject({
      name: 'KeywardError',
      code: 'INTERNAL',
      cause: { name: 'Error' },
    });
    expect((fields['error'] as { stack: string }).stack).toContain('logger.test.ts');
  });

  it('never logs bytes, long hex (a data key), or fields named like secrets', () => {
    const { sink, logger } = logged();
    logger.debug(`PRAGMA key = "x'${DATA_KEY_HEX}'"`, {
      dataKey: Buffer.from(DATA_KEY_HEX, 'hex'),
      bytes: new Uint8Array(16),
      password: 'correct horse battery staple',
      newPassword: 'hunter2hunter2',
      material: 'whatever it is',
      keyId: 'k_1',
    });
    const record = sink.records[0];
    expect(record?.message).toBe(`PRAGMA key = "x'[hex]'"`);
    expect(record?.fields).toEqual({
      dataKey: '[redacted]',
      bytes: '[16 bytes]',
      password: '[redacted]',
      newPassword: '[redacted]',
      material: '[redacted]',
      keyId: 'k_1',
    });
    expect(JSON.stringify(record)).not.toContain(DATA_KEY_HEX);
  });

  it('masks before it truncates: a key at the cut is never half shown', () => {
    const long = `${'x'.repeat(3990)} ${MATERIAL}`;
    const value = toLogValue(long) as string;
    expect(value).not.toContain(MATERIAL.slice(0, 12));
    expect(value.length).toBeLessThanOrEqual(4001);
  });

  it('survives cycles, deep nesting, odd values and a throwing sink', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic['self'] = cyclic;
    expect(() => toLogValue(cyclic)).not.toThrow();
    expect(toLogValue([1n, Symbol('s'), () => 1, Number.NaN, new Date(0)])).toEqual([
      '1',
      '[symbol]',
      '[function]',
      'NaN',
      '1970-01-01T00:00:00.000Z',
    ]);
    const throwing = createLogger({
      sink: {
        write: () => {
          throw new Error('disk full');
        },
      },
    });
    expect(() => throwing.error('x')).not.toThrow();
    expect(() => noopLogger.child({ a: 1 }).error('x')).not.toThrow();
  });

  it('a field named __proto__ is a field, not a prototype', () => {
    const { sink, logger } = logged();
    logger.info('x', JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    const line = JSON.parse(formatLogLine(sink.records[0]!)) as Record<string, unknown>;
    expect(line['__proto__']).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('formats one JSON line whose fields cannot overwrite time, level or message', () => {
    const { sink, logger } = logged();
    logger.warn('disk nearly full', { level: 'debug', msg: 'spoof', free: 10 });
    const line = formatLogLine(sink.records[0]!);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      time: '2023-11-14T22:13:20.000Z',
      level: 'warn',
      msg: 'disk nearly full',
      'field.level': 'debug',
      'field.msg': 'spoof',
      free: 10,
    });
  });

  it('error ids are 12 hex digits and differ', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newErrorId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{12}$/);
    }
  });
});
