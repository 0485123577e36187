import type { NoticeKind } from '../../../../shared/domain/notice.ts';

export type { Notice, NoticeKind } from '../../../../shared/domain/notice.ts';

/** How each kind reads and looks: a label and a tone (the colour), never colour alone. */
export const NOTICE_KINDS: Record<
  NoticeKind,
  { label: string; tone: 'warn' | 'info' | 'neutral' | 'ok' | 'danger' }
> = {
  'expires-soon': { label: 'Expires soon', tone: 'warn' },
  'grace-ending': { label: 'Grace ending', tone: 'info' },
  expired: { label: 'Key expired', tone: 'neutral' },
  rotated: { label: 'Rotated', tone: 'ok' },
  'rotation-failed': { label: 'Rotation failed', tone: 'danger' },
  'backup-failed': { label: 'Backup failed', tone: 'danger' },
};
