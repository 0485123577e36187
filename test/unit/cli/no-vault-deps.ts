import { Readable } from 'node:stream';
import type { CliDependencies } from '../../../electron/cli/cli-context.ts';
import { KeywardError } from '../../../shared/errors.ts';

/**
 * CLI dependencies for tests that never reach a vault (help texts, the command table): no engine,
 * no prompt, no clipboard, a vault path that does not exist, output dropped unless `overrides`
 * gives a stream.
 */
export function noVaultDeps(overrides: Partial<CliDependencies> = {}): CliDependencies {
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
    ...overrides,
  };
}
