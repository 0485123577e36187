import { describe, expect, it } from 'vitest';
import { sparkline } from '../../../electron/cli/commands/usage.ts';
import {
  checkEnrolmentCode,
  describeRateLimit,
  rateLimitOption,
} from '../../../electron/cli/server-arguments.ts';
import { describeSync, publishesFacts, publishWaitMs } from '../../../electron/cli/sync-after.ts';
import { KeywardError } from '../../../shared/errors.ts';

function usageMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    expect((error as KeywardError).code).toBe('USAGE');
    return (error as KeywardError).message;
  }
  throw new Error('expected a USAGE error');
}

describe('enrolment code', () => {
  it('takes the printed form in any case, with or without dashes and spaces', () => {
    expect(checkEnrolmentCode('abcde-fghjk-mnpqr-stvwx')).toBe('ABCDE-FGHJK-MNPQR-STVWX');
    expect(checkEnrolmentCode(' ABCDE FGHJK MNPQR 23456 ')).toBe('ABCDE-FGHJK-MNPQR-23456');
    expect(checkEnrolmentCode('ABCDEFGHJKMNPQR23456')).toBe('ABCDE-FGHJK-MNPQR-23456');
  });

  it('refuses anything else without echoing it', () => {
    for (const bad of [
      '',
      'ABCDE',
      'ABCDE-FGHJK-MNPQR-STVWXY',
      'ABCDE-FGHJK-MNPQR-STVW0',
      'ABCDE-FGHIJ-MNPQR-STVWX',
    ]) {
      const message = usageMessage(() => checkEnrolmentCode(bad));
      expect(message).toMatch(/--code must be/);
      if (bad.length > 5) {
        expect(message).not.toContain(bad);
      }
    }
  });
});

describe('--rate-limit', () => {
  it('reads N/SECONDS and none', () => {
    expect(rateLimitOption('100/60')).toEqual({ requests: 100, windowSeconds: 60 });
    expect(rateLimitOption(' 5 / 1s ')).toEqual({ requests: 5, windowSeconds: 1 });
    expect(rateLimitOption('none')).toBeNull();
    expect(describeRateLimit({ requests: 1, windowSeconds: 60 })).toBe('1 call per 60 s');
    expect(describeRateLimit(null)).toBe('none');
    for (const bad of ['100', '0/60', '10/0', '10/86401', '1000001/1', 'fast', '-1/5']) {
      expect(usageMessage(() => rateLimitOption(bad))).toMatch(/--rate-limit must be N\/SECONDS/);
    }
  });
});

describe('usage sparkline and sync words', () => {
  it('one character a day: · for none, a block scaled to the busiest day', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('·▁▂▄█');
    expect(sparkline([0, 0, 0])).toBe('···');
    expect(sparkline([1, 1000])).toBe('▁█');
    expect([...sparkline(new Array<number>(30).fill(3))]).toHaveLength(30);
  });

  it('says where sync stands', () => {
    const server = {
      url: 'https://k.example',
      deviceId: 'd',
      deviceName: 'n',
      connectedAt: 0,
      pinnedCertSha256: null,
      revision: 1,
      lastPublishAt: 0,
    };
    expect(describeSync({ state: 'up-to-date', waiting: 0, reason: null, server })).toBe('up to date');
    expect(describeSync({ state: 'waiting', waiting: 1, reason: null, server })).toBe('1 change waiting');
    expect(describeSync({ state: 'offline', waiting: 3, reason: 'ECONNREFUSED', server })).toBe(
      'offline (ECONNREFUSED): 3 changes waiting',
    );
    expect(describeSync({ state: 'error', waiting: 0, reason: 'device revoked', server })).toBe(
      'error (device revoked)',
    );
    expect(publishesFacts('keys revoke')).toBe(true);
    expect(publishesFacts('keys list')).toBe(false);
    expect(publishWaitMs({})).toBe(5000);
    expect(publishWaitMs({ KEYWARD_PUBLISH_WAIT_MS: '250' })).toBe(250);
    expect(publishWaitMs({ KEYWARD_PUBLISH_WAIT_MS: 'soon' })).toBe(5000);
  });
});
