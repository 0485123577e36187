import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { noticeKindSchema } from '../../../shared/domain/notice.ts';
import { KeywardError } from '../../../shared/errors.ts';
import { writeFileAtomic } from '../atomic-file.ts';

const entrySchema = z.strictObject({
  id: z.string().max(200),
  kind: noticeKindSchema,
  dueAt: z.number().int(),
  integrationName: z.string().max(200),
  message: z.string().max(1000),
});

/**
 * The unencrypted schedule file beside the vault (`<vault>.schedule`): what notifications need while
 * the vault is locked, and nothing more — upcoming expiry and grace notices (next 100 days) and the
 * unread notices as of the last unlock. Integration names, kinds and times (and the `utc` display
 * setting); never key material, key ids' material, Secrets, ACLs or notes.
 */
export const scheduleFileSchema = z.strictObject({
  format: z.literal('keyward-schedule'),
  version: z.literal(1),
  vaultId: z.uuid(),
  generatedAt: z.number().int(),
  upcoming: z.array(entrySchema).max(1000),
  unread: z.array(entrySchema.extend({ firedAt: z.number().int() })).max(200),
  /**
   * The vault's `utc` display setting, so what runs without a password (`keyward status`,
   * `backup list`, `notices --locked`) prints time the way the owner chose. Absent in older files.
   */
  utc: z.boolean().optional(),
});

/** A parsed schedule file. */
export type ScheduleFile = z.infer<typeof scheduleFileSchema>;

/** How far ahead the file looks. */
export const SCHEDULE_HORIZON_MS = 100 * 86_400_000;

/** JSON text of `value` with every object's keys sorted: equal for equal content in any key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/**
 * Writes the file atomically, only when its content changed; returns whether it wrote. Every
 * unlock plans (so calls this), and most change nothing: then the file is only read. The content
 * is compared whatever the order of its keys (the file has the schema's order, the notices
 * service another).
 */
export function writeScheduleFile(
  path: string,
  content: Omit<ScheduleFile, 'format' | 'version' | 'generatedAt'>,
  now: number,
): boolean {
  const body = { format: 'keyward-schedule' as const, version: 1 as const, ...content };
  if (existsSync(path)) {
    try {
      const { generatedAt: _at, ...previous } = JSON.parse(readFileSync(path, 'utf8')) as ScheduleFile;
      if (canonicalJson(previous) === canonicalJson(body)) {
        return false;
      }
    } catch {
      // unreadable: rewrite it
    }
  }
  writeFileAtomic(
    path,
    `${JSON.stringify(scheduleFileSchema.parse({ ...body, generatedAt: now }))}\n`,
    0o600,
  );
  return true;
}

/** Reads the file; NOT_FOUND when there is none yet, VAULT_CORRUPT when it is not one. */
export function readScheduleFile(path: string): ScheduleFile {
  if (!existsSync(path)) {
    throw new KeywardError(
      'NOT_FOUND',
      'There is no schedule file yet: it is written the first time the vault is unlocked.',
    );
  }
  try {
    return scheduleFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    // Not swallowed: any parse or schema failure becomes the typed VAULT_CORRUPT error below.
    throw new KeywardError('VAULT_CORRUPT', `${path} is not a Keyward schedule file; it was left untouched.`);
  }
}
