// The renderer's one re-authentication path: `call` (renderer/src/api/api.ts) answers
// REAUTH_REQUIRED from a channel the contract declares by opening the dialog (the reauth store) and
// running the same call again; a channel that does not declare it gets its error back as is.
import { beforeEach, describe, expect, it } from 'vitest';
import type { IpcResult } from '../../../shared/ipc/contract.ts';
import { call, callUnlessCancelled } from '../../../renderer/src/api/api.ts';
import { errorCode, REAUTH_CANCELLED } from '../../../renderer/src/api/ipc-error.ts';
import { REAUTH_PURPOSES } from '../../../renderer/src/reauth/reauth-purposes.ts';
import { useReauth } from '../../../renderer/src/reauth/reauth-store.ts';

/** What the fake bridge answers per channel, in order (then ok `{}` for ever). */
const answers = new Map<string, IpcResult<unknown>[]>();
const calls: string[] = [];
const REAUTH: IpcResult<unknown> = {
  ok: false,
  error: { code: 'REAUTH_REQUIRED', message: 'This action needs you to confirm it is you.' },
};

(globalThis as { keyward?: unknown }).keyward = {
  version: 'test',
  call: (channel: string) => {
    calls.push(channel);
    return Promise.resolve(answers.get(channel)?.shift() ?? { ok: true, value: {} });
  },
  on: () => () => undefined,
};

/** Answers the next re-authentication dialog (true = confirmed) and returns the purpose it showed. */
function answerDialog(confirmed: boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = useReauth.subscribe((state) => {
      if (state.request !== null) {
        stop();
        const { purpose } = state.request;
        state.request.resolve(confirmed);
        resolve(purpose);
      }
    });
  });
}

beforeEach(() => {
  answers.clear();
  calls.length = 0;
});

describe('call: REAUTH_REQUIRED is handled in one place', () => {
  it('on a declared channel: asks (with the caller’s words), then runs the same call again', async () => {
    answers.set('keys.reveal', [REAUTH, { ok: true, value: { material: 'shown' } }]);
    const purpose = answerDialog(true);
    const value = await call('keys.reveal', { keyId: 'k1' }, { purpose: 'Reveal the key of Billing' });
    expect(value).toEqual({ material: 'shown' });
    expect(await purpose).toBe('Reveal the key of Billing');
    expect(calls).toEqual(['keys.reveal', 'keys.reveal']);
  });

  it('without words from the caller, the dialog says what the channel does', async () => {
    answers.set('keys.delete', [REAUTH]);
    const purpose = answerDialog(true);
    await call('keys.delete', { keyId: 'k1' });
    expect(await purpose).toBe(REAUTH_PURPOSES['keys.delete']);
  });

  it('cancelled: nothing is retried; call rejects with REAUTH_CANCELLED, callUnlessCancelled gives null', async () => {
    answers.set('secret.copy', [REAUTH, REAUTH]);
    const first = answerDialog(false);
    await expect(call('secret.copy', { integrationId: 'i1' })).rejects.toSatisfy(
      (error) => errorCode(error) === REAUTH_CANCELLED,
    );
    await first;
    const second = answerDialog(false);
    expect(await callUnlessCancelled('secret.copy', { integrationId: 'i1' })).toBeNull();
    await second;
    expect(calls).toEqual(['secret.copy', 'secret.copy']);
  });

  it('a channel that does not declare reauth gets its error as is, and no dialog opens', async () => {
    answers.set('keys.rotate', [REAUTH]);
    await expect(call('keys.rotate', { integrationId: 'i1' })).rejects.toSatisfy(
      (error) => errorCode(error) === 'REAUTH_REQUIRED',
    );
    expect(useReauth.getState().request).toBeNull();
    expect(calls).toEqual(['keys.rotate']);
  });
});
