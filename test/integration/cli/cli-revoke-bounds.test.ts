import { afterEach, describe, expect, it } from 'vitest';
import { REVOKE_LIMITS } from '../../../shared/domain/api-key.ts';
import { InProcessCli } from './cli-inprocess.ts';

// `keys revoke` checks --grace and --lifetime with the domain's revoke schema (the one the engine,
// the IPC contract and the desktop's dialog use) while parsing, so a bad value never costs a prompt.
const PASSWORD = 'revoke bounds password';

const clis: InProcessCli[] = [];
afterEach(() => {
  for (const cli of clis.splice(0)) {
    cli.dispose();
  }
});

describe('keyward keys revoke: the domain bounds, before any password', () => {
  it('refuses --grace 31 and --lifetime 366 as usage errors naming the range, without prompting', async () => {
    const cli = new InProcessCli();
    clis.push(cli);
    await cli.json(['init'], { env: { KEYWARD_PASSWORD: PASSWORD } });
    await cli.json(['integrations', 'add', '--name', 'Billing', '--platform', 'server'], {
      env: { KEYWARD_PASSWORD: PASSWORD },
    });
    const { graceDays, lifetimeDays } = REVOKE_LIMITS;
    const answer = () => PASSWORD;
    const grace = await cli.run(['keys', 'revoke', 'Billing', '--grace', String(graceDays.max + 1)], {
      isTTY: true,
      answer,
    });
    expect(grace.code).toBe(2);
    expect(grace.questions).toEqual([]);
    expect(grace.stderr).toContain(`from ${graceDays.min} to ${graceDays.max}`);

    const lifetime = await cli.run(
      ['keys', 'revoke', 'Billing', '--grace', '1', '--lifetime', String(lifetimeDays.max + 1)],
      { isTTY: true, answer },
    );
    expect(lifetime.code).toBe(2);
    expect(lifetime.questions).toEqual([]);
    expect(lifetime.stderr).toContain(`${lifetimeDays.min}–${lifetimeDays.max}`);

    // In range, it goes on to ask for the password and revokes.
    const ok = await cli.run(['keys', 'revoke', 'Billing', '--grace', String(graceDays.max)], {
      isTTY: true,
      answer,
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.questions.length).toBeGreaterThan(0);
  });
});
