import type { REAUTH_CHANNELS } from '../../../shared/ipc/channels.ts';

/**
 * What each channel that may need a re-authentication does, in words for the dialog ("Confirm it is
 * you" — then this). Screens usually pass a precise purpose ("Reveal the key of Payments"); these
 * are the fallback. Keyed by the contract's declared channels, so declaring a new one without words
 * here is a compile error.
 */
export const REAUTH_PURPOSES: Readonly<Record<(typeof REAUTH_CHANNELS)[number], string>> = {
  'vault.remember': 'Remember the vault on this device',
  'settings.set': 'Change a security setting',
  'totp.enrollBegin': 'Set up an authenticator',
  'totp.disable': 'Remove the authenticator',
  'integrations.create': 'Create an integration whose key never expires',
  'integrations.setNeverExpire': 'Make a key never expire',
  'integrations.delete': 'Delete an integration and its keys',
  'keys.revoke': 'Revoke a key',
  'keys.regenerate': 'Regenerate a key',
  'keys.delete': 'Delete a key',
  'keys.endGrace': "End a key's grace period now",
  'keys.reveal': 'Reveal a key',
  'keys.copy': 'Copy a key',
  'secret.copy': 'Copy a Secret',
  'server.connect': 'Connect this vault to a Keyward server',
};

/** The words for `channel`'s re-authentication (a generic sentence for a channel without its own). */
export function reauthPurpose(channel: string): string {
  return (REAUTH_PURPOSES as Readonly<Record<string, string>>)[channel] ?? 'Confirm this change';
}
