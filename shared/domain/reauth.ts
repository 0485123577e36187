/**
 * Actions that need a fresh re-authentication (docs/domain-rules.md, "Re-authentication"): the
 * engine's guard is called with one of these names (and logs a denial under it), and the IPC
 * contract declares, per channel, which of them the channel may ask for (`reauth` in
 * `shared/ipc/contract.ts`). Zod-free, so the preload and the renderer can read it.
 */
export const GUARDED_ACTIONS = [
  'key.reveal',
  'key.copy',
  'secret.copy',
  'key.revoke',
  'key.regenerate',
  'key.delete',
  'key.end-grace',
  'integration.delete',
  'integration.never-expire',
  'totp.disable',
  'totp.enroll',
  'secret.mint',
  // Weakening a protection: remembering the vault on this device, or a setting made laxer
  // (`weakenedSettings` in shared/domain/settings.ts).
  'vault.remember',
  'settings.weaken',
  // Connecting a Keyward server: the vault's published facts leave this machine.
  'server.connect',
] as const;
/** One of {@link GUARDED_ACTIONS}. */
export type GuardedAction = (typeof GUARDED_ACTIONS)[number];

/**
 * Guarded actions no desktop channel performs, with the reason (a test checks that every other
 * guarded action is declared by a channel of the contract).
 */
export const GUARDED_WITHOUT_CHANNEL: Readonly<Partial<Record<GuardedAction, string>>> = {
  'secret.mint': 'the CLI prints a Secret (`keyward secret`); the desktop only copies one (secret.copy)',
};
