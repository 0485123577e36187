import { z } from 'zod';
import { INTEGRATION_LIMITS } from './integration.ts';

const whole = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be between ${min} and ${max}`)
    .max(max, `${label} must be between ${min} and ${max}`);

/**
 * The bounds of the numeric settings (docs/domain-rules.md, "Settings"): the schema below checks
 * them and every interface that names a range (the CLI's help, the settings screen) reads them here.
 * The defaults for new integrations share the integrations' own bounds.
 */
export const SETTING_LIMITS = {
  /** Seconds; or never (null). */
  clipboardClearSeconds: { min: 10, max: 300 },
  /** Minutes; or never (0). */
  autoLockMinutes: { min: 1, max: 1440 },
  noticeLeadDays: { min: 1, max: 90 },
  defaultRotationDays: { min: INTEGRATION_LIMITS.rotationDays.min, max: INTEGRATION_LIMITS.rotationDays.max },
  defaultGraceDays: { min: INTEGRATION_LIMITS.graceDays.min, max: INTEGRATION_LIMITS.graceDays.max },
  secretLifetimeHours: { min: 1, max: 168 },
  /** Seconds; 0 = ask every time. */
  reauthWindowSeconds: { min: 0, max: 900 },
} as const;

const limited = (name: keyof typeof SETTING_LIMITS) =>
  whole(name, SETTING_LIMITS[name].min, SETTING_LIMITS[name].max);

/**
 * Every setting of docs/domain-rules.md, "Settings", with its bounds and default. One schema drives the engine,
 * the CLI (`keyward settings get|set`) and the settings screen.
 */
export const settingsSchema = z.strictObject({
  /** ISO 8601 UTC: every timestamp shown, printed or exported is UTC with `Z`; off = local time with offset. */
  utc: z.boolean().default(false),
  /** Seconds before a copied secret is cleared from the clipboard (10–300), or null = never. */
  clipboardClearSeconds: limited('clipboardClearSeconds').nullable().default(30),
  /** Idle minutes before the vault locks itself (1–1440), or 0 = never. */
  autoLockMinutes: z.union([z.literal(0), limited('autoLockMinutes')]).default(5),
  /** Days before an active key expires that the first notice fires (1–90). */
  noticeLeadDays: limited('noticeLeadDays').default(30),
  /** Rotation period for new integrations (1–365 days). */
  defaultRotationDays: limited('defaultRotationDays').default(365),
  /** Grace period for new integrations (0–30 days). */
  defaultGraceDays: limited('defaultGraceDays').default(30),
  /** Lifetime of a minted Secret (1–168 hours). */
  secretLifetimeHours: limited('secretLifetimeHours').default(24),
  /** How long a re-authentication stays fresh (0–900 seconds; 0 = ask every time). */
  reauthWindowSeconds: limited('reauthWindowSeconds').default(60),
  /** Colour theme. */
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});

/** The settings, every field present. */
export type Settings = z.infer<typeof settingsSchema>;
/** A setting's name. */
export type SettingName = keyof Settings;

/** The defaults. */
export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

type Shape = typeof settingsSchema.shape;

/**
 * A partial update (unknown names are rejected): each field optional WITHOUT its default. (zod 4's
 * `.partial()` keeps the defaults, so a patch of one setting would parse as every other setting
 * reset to its default.)
 */
export const settingsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(settingsSchema.shape).map(([name, field]) => [name, field.unwrap().optional()]),
  ) as { [K in keyof Shape]: z.ZodOptional<ReturnType<Shape[K]['unwrap']>> },
);

/** The settings a change of which can weaken a protection (see {@link weakenedSettings}). */
export const WEAKENABLE_SETTINGS: readonly SettingName[] = [
  'reauthWindowSeconds',
  'clipboardClearSeconds',
  'autoLockMinutes',
  'secretLifetimeHours',
];

/**
 * The settings whose change from `current` to `next` weakens a protection, and so needs a fresh
 * re-authentication: a longer re-authentication window; clipboard clearing turned off or made
 * later; auto-lock turned off or made later; a longer Secret lifetime. Tightening never does.
 */
export function weakenedSettings(current: Settings, next: Settings): SettingName[] {
  const later = (from: number | null, to: number | null, off: number | null): boolean =>
    from !== off && (to === off || (to !== null && from !== null && to > from));
  const weakened: SettingName[] = [];
  if (next.reauthWindowSeconds > current.reauthWindowSeconds) {
    weakened.push('reauthWindowSeconds');
  }
  if (later(current.clipboardClearSeconds, next.clipboardClearSeconds, null)) {
    weakened.push('clipboardClearSeconds');
  }
  if (later(current.autoLockMinutes, next.autoLockMinutes, 0)) {
    weakened.push('autoLockMinutes');
  }
  if (next.secretLifetimeHours > current.secretLifetimeHours) {
    weakened.push('secretLifetimeHours');
  }
  return weakened;
}
