import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliDependencies } from '../../../electron/cli/cli-context.ts';
import { CliOutput } from '../../../electron/cli/output.ts';
import { buildProgram, COMMANDS, loadCommands } from '../../../electron/cli/program.ts';
import { KeywardError } from '../../../shared/errors.ts';

// The root help is built from program.ts's COMMANDS table without loading any command module
// (that is what keeps `keyward --help` fast). These tests keep the table honest: what it lists must
// be exactly what the modules declare.

function deps(): CliDependencies {
  const fail = () => Promise.reject(new KeywardError('INVALID_STATE', 'not in this test'));
  return {
    argv: [],
    env: { KEYWARD_VAULT: '/nonexistent/keyward-test.vault' },
    stdin: Readable.from([]),
    stdout: { write: () => true },
    stderr: { write: () => true },
    isTTY: false,
    stdoutIsTTY: false,
    openEngine: () => {
      throw new Error('no engine in this test');
    },
    now: () => Date.now(),
    prompt: fail,
    clipboard: { check: fail, copy: fail },
  };
}

const outputFor = (json: boolean) =>
  new CliOutput({ stdout: { write: () => true }, stderr: { write: () => true }, json, debug: false });

describe('the lazily loaded command table (program.ts COMMANDS)', () => {
  it('gives the same root help as the program with every command module loaded', async () => {
    const lazy = buildProgram(deps(), outputFor);
    const full = buildProgram(deps(), outputFor, { registrars: await loadCommands() });
    expect(lazy.helpInformation()).toBe(full.helpInformation());
  });

  it('names each command as its module registers it, in the same order', async () => {
    const full = buildProgram(deps(), outputFor, { registrars: await loadCommands() });
    expect(full.commands.map((command) => command.name())).toEqual(COMMANDS.map((entry) => entry.name));
  });

  it('loads only the modules asked for', async () => {
    const loaded = await loadCommands(['keys', 'status']);
    expect([...loaded.keys()].sort()).toEqual(['keys', 'status']);
    const program = buildProgram(deps(), outputFor, { registrars: loaded });
    const keys = program.commands.find((command) => command.name() === 'keys');
    expect(keys?.commands.map((command) => command.name())).toContain('list');
  });
});
