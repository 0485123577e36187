/**
 * The names of every IPC channel and event, without their schemas: the preload imports only this
 * file, so its bundle stays small and free of zod. `contract.ts` checks at compile time that these
 * lists and the contract's keys are the same.
 */
export const CHANNELS = [
  'vault.status',
  'vault.create',
  'vault.unlock',
  'vault.lock',
  'vault.remember',
  'vault.changePassword',
  'app.activity',
  'reauth.status',
  'reauth.password',
  'reauth.totp',
  'totp.enrollBegin',
  'totp.enrollConfirm',
  'totp.disable',
  'integrations.get',
  'integrations.create',
  'integrations.edit',
  'integrations.setEnabled',
  'integrations.setNeverExpire',
  'integrations.delete',
  'keys.list',
  'keys.table',
  'keys.rotate',
  'keys.revoke',
  'keys.regenerate',
  'keys.delete',
  'keys.endGrace',
  'keys.test',
  'keys.reveal',
  'keys.copy',
  'secret.copy',
  'decoder.decode',
  'decoder.trust',
  'decoder.trustedKeys',
  'decoder.forgetTrusted',
  'notices.list',
  'notices.markRead',
  'log.list',
  'log.verify',
  'settings.get',
  'settings.set',
  'backup.list',
  'backup.now',
  'backup.restore',
  'log.export',
  'vault.export',
  'vault.import',
  'jwks.export',
  'server.status',
  'server.chooseCertificate',
  'server.connect',
  'server.publish',
  'server.disconnect',
  'usage.integration',
] as const;

/**
 * The channels that may answer `REAUTH_REQUIRED`: the ones whose contract entry declares `reauth`
 * (`contract.ts` checks at compile time that this list is exactly those). The renderer's `call`
 * re-authenticates and retries on these, in one place.
 */
export const REAUTH_CHANNELS = [
  'vault.remember',
  'totp.enrollBegin',
  'totp.disable',
  'integrations.create',
  'integrations.setNeverExpire',
  'integrations.delete',
  'keys.revoke',
  'keys.regenerate',
  'keys.delete',
  'keys.endGrace',
  'keys.reveal',
  'keys.copy',
  'secret.copy',
  'settings.set',
  'server.connect',
] as const;

/** Whether `channel` may answer `REAUTH_REQUIRED` (see {@link REAUTH_CHANNELS}). */
export function needsReauthHandling(channel: string): boolean {
  return (REAUTH_CHANNELS as readonly string[]).includes(channel);
}

/** The events main sends to the renderer. */
export const EVENTS = ['vault.locked', 'notices.fired', 'clipboard.changed', 'sync.status'] as const;

/** The IPC channel name main registers for `channel` (one namespace, so nothing else collides). */
export function ipcChannelName(channel: string): string {
  return `keyward:${channel}`;
}

/** The IPC channel name main sends `event` on. */
export function ipcEventName(event: string): string {
  return `keyward-event:${event}`;
}
