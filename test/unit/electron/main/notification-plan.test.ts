import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NoticeForNotification, NotificationSpec } from '../../../../electron/main/notification-plan.ts';
import { createLogger, MemoryLogSink } from '../../../../shared/log/logger.ts';
import {
  APP_USER_MODEL_ID,
  NOTICE_TITLES,
  NoticeNotifier,
  planNotifications,
} from '../../../../electron/main/notification-plan.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function expiring(key: string, days: number, name = 'Billing'): NoticeForNotification {
  return {
    id: `expires-soon:${key}:${days}`,
    kind: 'expires-soon',
    integrationName: name,
    message: `${name}: the API key expires in ${days} days and will be rotated automatically.`,
    dueAt: T0 - days * DAY,
  };
}

const never = (): boolean => false;

describe('planNotifications', () => {
  it('one notification per notice, titled by kind, the body being the message', () => {
    const specs = planNotifications([expiring('k1', 30)], never);
    expect(specs).toEqual([
      {
        id: 'expires-soon:k1:30',
        title: NOTICE_TITLES['expires-soon'],
        body: 'Billing: the API key expires in 30 days and will be rotated automatically.',
        noticeIds: ['expires-soon:k1:30'],
      },
    ]);
  });

  it('folds the expiry notices of one key into the most urgent (latest due) one', () => {
    const specs = planNotifications([expiring('k1', 30), expiring('k1', 1), expiring('k1', 7)], never);
    expect(specs).toHaveLength(1);
    expect(specs[0]?.id).toBe('expires-soon:k1:1');
    expect(specs[0]?.noticeIds).toEqual(['expires-soon:k1:30', 'expires-soon:k1:1', 'expires-soon:k1:7']);
  });

  it('leaves out what was shown and duplicates', () => {
    const shown = new Set(['expires-soon:k1:30']);
    const specs = planNotifications([expiring('k1', 30), expiring('k2', 7), expiring('k2', 7)], (id) =>
      shown.has(id),
    );
    expect(specs.map((spec) => spec.id)).toEqual(['expires-soon:k2:7']);
  });

  it('orders separate notifications soonest first', () => {
    const grace: NoticeForNotification = {
      id: 'grace-ending:k9',
      kind: 'grace-ending',
      integrationName: 'CRM',
      message: 'CRM: the previous API key stops working in 3 days.',
      dueAt: T0 - 100 * DAY,
    };
    const specs = planNotifications([expiring('k1', 30), grace], never);
    expect(specs.map((spec) => spec.title)).toEqual([
      NOTICE_TITLES['grace-ending'],
      NOTICE_TITLES['expires-soon'],
    ]);
  });

  it('sums up a burst in one notification naming a few integrations', () => {
    const notices = ['A', 'B', 'C', 'D', 'E'].map((name, i) => expiring(`k${i}`, 7, name));
    const specs = planNotifications(notices, never, 3);
    expect(specs).toHaveLength(1);
    expect(specs[0]?.title).toBe('5 notices about your API keys');
    expect(specs[0]?.body).toBe('A, B, C and 2 more. Open Keyward to see them.');
    expect(specs[0]?.noticeIds).toHaveLength(5);
  });

  it('does not repeat a name in the summary', () => {
    const notices = [
      expiring('k1', 7, 'A'),
      expiring('k2', 7, 'A'),
      expiring('k3', 7, 'B'),
      expiring('k4', 7, 'A'),
    ];
    expect(planNotifications(notices, never, 3)[0]?.body).toBe('A, B. Open Keyward to see them.');
  });

  it('plans nothing for nothing', () => {
    expect(planNotifications([], never)).toEqual([]);
  });
});

describe('NoticeNotifier', () => {
  it('shows each notice id once per run', () => {
    const shown: NotificationSpec[] = [];
    const notifier = new NoticeNotifier((spec) => shown.push(spec));
    expect(notifier.notify([expiring('k1', 30)])).toBe(1);
    expect(notifier.notify([expiring('k1', 30)])).toBe(0);
    expect(notifier.hasShown('expires-soon:k1:30')).toBe(true);
    expect(shown).toHaveLength(1);
  });

  it('counts folded and summed-up notices as shown', () => {
    const notifier = new NoticeNotifier(() => undefined);
    notifier.notify([expiring('k1', 30), expiring('k1', 7)]);
    expect(notifier.hasShown('expires-soon:k1:30')).toBe(true);
    expect(notifier.hasShown('expires-soon:k1:7')).toBe(true);
  });

  it('survives a notification that cannot be shown, without retrying it', () => {
    let calls = 0;
    const notifier = new NoticeNotifier(() => {
      calls += 1;
      throw new Error('no notification server');
    });
    expect(() => notifier.notify([expiring('k1', 30)])).not.toThrow();
    notifier.notify([expiring('k1', 30)]);
    expect(calls).toBe(1);
  });

  it('records a notification that cannot be shown in the log', () => {
    const sink = new MemoryLogSink();
    const notifier = new NoticeNotifier(() => {
      throw new Error('no notification server');
    }, createLogger({ sink }));
    notifier.notify([expiring('k1', 30)]);
    expect(sink.records).toMatchObject([
      {
        level: 'warn',
        message: 'could not show a notification',
        fields: { error: { message: 'no notification server' } },
      },
    ]);
  });
});

describe('APP_USER_MODEL_ID', () => {
  it("equals the installer's appId, or Windows toasts are not attributed to the app", () => {
    const yml = readFileSync(
      join(import.meta.dirname, '..', '..', '..', '..', 'electron-builder.yml'),
      'utf8',
    );
    expect(yml).toMatch(new RegExp(`^appId: ${APP_USER_MODEL_ID.replaceAll('.', '\\.')}$`, 'm'));
  });
});
