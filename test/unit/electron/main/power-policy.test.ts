import { describe, expect, it } from 'vitest';
import { createPowerHandler, POWER_EVENTS, powerActions } from '../../../../electron/main/power-policy.ts';
import { createLogger, MemoryLogSink } from '../../../../shared/log/logger.ts';

describe('powerActions', () => {
  it('locks on suspend and on screen lock, with distinct reasons', () => {
    expect(powerActions('suspend')).toEqual([{ kind: 'lock', reason: 'suspend' }]);
    expect(powerActions('lock-screen')).toEqual([{ kind: 'lock', reason: 'screen-lock' }]);
  });

  it('catches the scheduler up on resume and re-checks the locked notices', () => {
    expect(powerActions('resume')).toEqual([
      { kind: 'catch-up', reason: 'resume' },
      { kind: 'recheck-locked-notices' },
    ]);
  });

  it('does not unlock anything when the screen unlocks', () => {
    expect(powerActions('unlock-screen')).toEqual([]);
  });

  it('covers every event it subscribes to', () => {
    expect([...POWER_EVENTS]).toEqual(['suspend', 'resume', 'lock-screen', 'unlock-screen']);
  });
});

describe('createPowerHandler', () => {
  function target(options: { failCatchUp?: boolean } = {}) {
    const calls: string[] = [];
    return {
      calls,
      lock: (reason: string) => calls.push(`lock:${reason}`),
      catchUp: (reason: string) => {
        calls.push(`catch-up:${reason}`);
        if (options.failCatchUp) {
          throw new Error('database busy');
        }
      },
      recheckLockedNotices: () => calls.push('recheck'),
    };
  }

  it('applies the actions to the engine and the watcher', () => {
    const t = target();
    const handle = createPowerHandler(t);
    for (const event of POWER_EVENTS) {
      handle(event);
    }
    expect(t.calls).toEqual(['lock:suspend', 'catch-up:resume', 'recheck', 'lock:screen-lock']);
  });

  it('a failing action does not stop the next one', () => {
    const t = target({ failCatchUp: true });
    expect(() => createPowerHandler(t)('resume')).not.toThrow();
    expect(t.calls).toEqual(['catch-up:resume', 'recheck']);
  });

  it('a failing action is recorded in the log', () => {
    const sink = new MemoryLogSink();
    createPowerHandler(target({ failCatchUp: true }), createLogger({ sink }))('resume');
    expect(sink.records).toMatchObject([
      { level: 'warn', fields: { event: 'resume', action: 'catch-up', error: { message: 'database busy' } } },
    ]);
  });
});
