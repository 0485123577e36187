import type { SettingName } from '../../../../shared/domain/settings.ts';
import { settingsSchema } from '../../../../shared/domain/settings.ts';

/** The settings edited as whole numbers. */
export type NumericSetting = Exclude<SettingName, 'utc' | 'theme'>;

/** How a numeric setting reads on screen. */
export interface NumericField {
  name: NumericSetting;
  label: string;
  /** The setting as a noun, for messages: "Notice lead days must be between 1 and 90". */
  noun: string;
  unit: string;
  /** One line: what it does, and its bounds. */
  hint: string;
  /** Appended to the bounds message where 0 (or never) is allowed outside the range. */
  boundsNote?: string;
}

/** Every numeric setting of shared/domain/settings.ts, in the words of the settings screen. */
export const NUMERIC_FIELDS: Record<NumericSetting, NumericField> = {
  noticeLeadDays: {
    name: 'noticeLeadDays',
    label: 'First expiry notice',
    noun: 'Notice lead days',
    unit: 'days before',
    hint: 'How early the first notice fires before a key expires; more follow at 7 days and 1 day. 1–90.',
  },
  defaultRotationDays: {
    name: 'defaultRotationDays',
    label: 'Default rotation period',
    noun: 'Default rotation days',
    unit: 'days',
    hint: 'How long the keys of a new integration live before they are rotated automatically. 1–365.',
  },
  defaultGraceDays: {
    name: 'defaultGraceDays',
    label: 'Default grace period',
    noun: 'Default grace days',
    unit: 'days',
    hint: 'How long a replaced key keeps working after a rotation, for new integrations. 0–30.',
  },
  secretLifetimeHours: {
    name: 'secretLifetimeHours',
    label: 'Secret lifetime',
    noun: 'Secret lifetime hours',
    unit: 'hours',
    hint: 'How long a copied Secret stays valid; a fresh one is minted on every copy. 1–168 (7 days).',
  },
  autoLockMinutes: {
    name: 'autoLockMinutes',
    label: 'Auto-lock after',
    noun: 'Auto-lock minutes',
    unit: 'minutes idle',
    hint: 'Locks the vault after this long without activity (and on sleep or screen lock). 1–1440; 0 = never.',
    boundsNote: ', or 0 for never',
  },
  clipboardClearSeconds: {
    name: 'clipboardClearSeconds',
    label: 'Clear the clipboard after',
    noun: 'Clipboard clear seconds',
    unit: 'seconds',
    hint: 'A copied key or Secret is cleared after this long if the clipboard still holds it. 10–300, or never.',
  },
  reauthWindowSeconds: {
    name: 'reauthWindowSeconds',
    label: 'Re-authentication window',
    noun: 'Re-authentication window seconds',
    unit: 'seconds',
    hint: 'How long a confirmation stays fresh for reveal, copy, revoke and delete. 0–900; 0 = ask every time.',
  },
};

/**
 * Checks what was typed for a numeric setting with the settings schema's own field schema, so the
 * screen and the engine agree on the bounds; the schema's messages name the field by its key, the
 * screen by its noun.
 */
export function validateNumber(
  field: NumericField,
  text: string,
): { ok: true; value: number } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { ok: false, error: `Enter a number of ${field.unit.split(' ')[0] ?? 'units'}.` };
  }
  if (!/^[+-]?\d+(\.\d+)?$/.test(trimmed)) {
    return { ok: false, error: `${field.noun} must be a number` };
  }
  const value = Number(trimmed);
  const parsed = settingsSchema.shape[field.name].safeParse(value);
  if (parsed.success) {
    return { ok: true, value };
  }
  if (!Number.isInteger(value)) {
    return { ok: false, error: `${field.noun} must be a whole number` };
  }
  // A union (0 or a range) reports the range's issue last.
  const issue =
    parsed.error.issues.find((candidate) => candidate.message.startsWith(field.name)) ??
    parsed.error.issues[0];
  const message = (issue?.message ?? 'invalid value').replace(field.name, field.noun);
  return { ok: false, error: `${message}${field.boundsNote ?? ''}` };
}
