import { describe, it } from 'vitest';
import { makeCliSandboxWithVault, parseJson } from './cli-harness.ts';

const PASSWORD = 'notices locked password';

describe('keyward notices --locked', () => {
  it('reads the schedule file with no password at all', async ({ expect, onTestFinished }) => {
    const { cli, init } = await makeCliSandboxWithVault(onTestFinished, PASSWORD);
    expect(init.code, init.stderr).toBe(0);
    const add = await cli(
      ['integrations', 'add', '--name', 'Soon', '--platform', 'web', '--rotation-days', '20'],
      {
        env: { KEYWARD_PASSWORD: PASSWORD },
      },
    );
    expect(add.code, add.stderr).toBe(0);
    const locked = await cli(['notices', '--locked', '--json', '--utc']);
    expect(locked.code, locked.stderr).toBe(0);
    const json = parseJson(locked.stdout) as {
      upcoming: { kind: string; integrationName: string; dueAt: string }[];
    };
    expect(json.upcoming.map((entry) => entry.kind)).toEqual(['expires-soon', 'expires-soon']);
    expect(json.upcoming[0]?.integrationName).toBe('Soon');
    expect(json.upcoming[0]?.dueAt).toMatch(/Z$/);
  });
});
