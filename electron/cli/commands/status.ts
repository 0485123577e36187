import type { Command } from 'commander';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { timeFor } from '../vault-access.ts';

const HELP = `
Reports on the vault without opening it and without a password: path, id, creation time, cipher,
Argon2id parameters, whether it is remembered on this device (then commands need no password:
"locked": false) or locked (every command needs the master password), whether the OS keychain is
usable (and why not), and failed unlock attempts with the wait before the next one. Never a secret.

No vault at the path: exit code 4 (VAULT_NOT_FOUND), like every other command, so a script can run
\`keyward status >/dev/null || keyward init\`. A damaged header: exit code 6.

--json output:
  {"path":"…","exists":true,"vaultId":"…","createdAt":"…","cipher":"chacha20",
   "kdf":{"algorithm":"argon2id","memoryKiB":65536,"iterations":3,"parallelism":1},
   "locked":true,"remembered":false,"keychain":{"available":true,"reason":null},
   "lockout":{"failures":0,"retryAfterSeconds":0}}`;

function describeMemory(kiB: number): string {
  return kiB % 1024 === 0 ? `${kiB / 1024} MiB` : `${kiB} KiB`;
}

/** Reports the vault's status; never unlocks and never shows a secret. */
export async function runStatus(context: CommandContext): Promise<CommandResult> {
  const { vault, vaultPath } = context;
  context.engine.requireVault();
  const status = await vault.status();
  const createdAt =
    status.createdAt === null ? null : timeFor(context, null).at(Date.parse(status.createdAt));
  const remembered = status.keychain.remembered;
  const retryAfterSeconds = Math.ceil(status.lockout.retryAfterMs / 1000);
  const kdf = status.kdf;
  return {
    json: {
      path: vaultPath,
      exists: true,
      vaultId: status.vaultId,
      createdAt,
      cipher: status.cipher,
      kdf,
      locked: !remembered,
      remembered,
      keychain: { available: status.keychain.available, reason: status.keychain.reason },
      lockout: { failures: status.lockout.failures, retryAfterSeconds },
    },
    lines: [
      `Vault:     ${vaultPath}`,
      `Id:        ${status.vaultId ?? '?'}`,
      `Created:   ${createdAt ?? '?'}`,
      `State:     ${
        remembered
          ? 'remembered on this device (commands open it from the OS keychain; `keyward lock` to stop)'
          : 'locked (every command needs the master password)'
      }`,
      `Cipher:    ${status.cipher ?? '?'} (the whole SQLite file: pages, WAL, journal)`,
      `KDF:       ${
        kdf
          ? `${kdf.algorithm}, ${describeMemory(kdf.memoryKiB)}, t=${kdf.iterations}, p=${kdf.parallelism}`
          : '?'
      }`,
      `Keychain:  ${status.keychain.available ? 'available' : `unavailable: ${status.keychain.reason ?? 'unknown'}`}`,
      `Failures:  ${status.lockout.failures} failed unlock attempt(s)${
        retryAfterSeconds > 0 ? `; next attempt allowed in ${retryAfterSeconds} s` : ''
      }`,
    ],
  };
}

/** Adds `status` to the program. */
export function registerStatusCommand(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .summary('show the vault: path, id, locked or remembered, KDF, keychain, failed attempts')
    .description('Show the state of the vault. Needs no password; never shows a secret.')
    .addHelpText('after', HELP)
    .action((_options: unknown, command: Command) => run(command, runStatus));
}
