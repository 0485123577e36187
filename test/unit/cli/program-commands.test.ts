import { describe, expect, it } from 'vitest';
import { CliOutput } from '../../../electron/cli/output.ts';
import { buildProgram, COMMANDS, loadCommands } from '../../../electron/cli/program.ts';
import { noVaultDeps } from './no-vault-deps.ts';

// The root help is built from program.ts's COMMANDS table without loading any command module
// (that is what keeps `keyward --help` fast). These tests keep the table honest: what it lists must
// be exactly what the modules declare.

const deps = () => noVaultDeps();

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
