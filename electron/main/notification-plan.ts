// Pure: no `electron` import. Turns notices — fired by the engine while unlocked, or read from the
// unencrypted schedule file while locked (locked-notices.ts) — into OS notifications: each notice id
// at most once per run, the less urgent expiry notices of a key folded into the most urgent one, and
// a burst (say, after a week switched off) summed up in one notification instead of a dozen.
import type { NoticeKind } from '../../shared/domain/notice.ts';
import { noopLogger } from '../../shared/log/logger.ts';
import type { Logger } from '../../shared/log/logger.ts';

/**
 * The Windows AppUserModelID: toasts are attributed to it, and it must equal the installer's `appId`
 * (electron-builder.yml; a unit test keeps the two equal).
 */
export const APP_USER_MODEL_ID = 'dev.keyward.app';

/** The Notification Center / Action Center group every Keyward notification joins. */
export const NOTIFICATION_GROUP_ID = 'keyward-notices';

/** What a notification needs from a notice (an engine `Notice` and a schedule-file entry both fit). */
export interface NoticeForNotification {
  id: string;
  kind: NoticeKind;
  integrationName: string;
  message: string;
  dueAt: number;
}

/** One OS notification to show. */
export interface NotificationSpec {
  /** The notification's id (macOS identifier / Windows toast tag). */
  id: string;
  title: string;
  body: string;
  /** The notices this notification covers (folded and summed-up ones included). */
  noticeIds: readonly string[];
}

/** The title per kind; the body is the notice's own message, which names the integration. */
export const NOTICE_TITLES: Readonly<Record<NoticeKind, string>> = {
  'expires-soon': 'API key expires soon',
  'grace-ending': 'Previous API key stops working soon',
  expired: 'API key expired',
  rotated: 'API key rotated',
  'rotation-failed': 'Automatic rotation failed',
  'backup-failed': 'Daily backup failed',
};

/** More notices than this at once become one summary notification. */
export const MAX_SEPARATE_NOTIFICATIONS = 3;

const SUMMARY_NAMES = 3;

/**
 * Expiry notices of one key differ only in their threshold (`expires-soon:<key>:<days>`): they fold
 * into one. Every other notice is its own group.
 */
function foldKey(notice: NoticeForNotification): string {
  if (notice.kind === 'expires-soon') {
    const cut = notice.id.lastIndexOf(':');
    return cut > 0 ? notice.id.slice(0, cut) : notice.id;
  }
  return notice.id;
}

function summaryBody(names: readonly string[]): string {
  const unique = [...new Set(names)];
  const listed = unique.slice(0, SUMMARY_NAMES);
  const more = unique.length - listed.length;
  const who = more > 0 ? `${listed.join(', ')} and ${more} more` : listed.join(', ');
  return `${who}. Open Keyward to see them.`;
}

/**
 * The notifications for `notices`, leaving out ids already shown (`isShown`) and duplicates. The
 * expiry notices of one key fold into the latest-due (most urgent) one; up to `maxSeparate` remaining
 * notices get one notification each (soonest first), more get a single summary.
 */
export function planNotifications(
  notices: readonly NoticeForNotification[],
  isShown: (id: string) => boolean,
  maxSeparate = MAX_SEPARATE_NOTIFICATIONS,
): NotificationSpec[] {
  const groups = new Map<string, { keep: NoticeForNotification; ids: string[] }>();
  const seen = new Set<string>();
  for (const notice of notices) {
    if (seen.has(notice.id) || isShown(notice.id)) {
      continue;
    }
    seen.add(notice.id);
    const key = foldKey(notice);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { keep: notice, ids: [notice.id] });
    } else {
      group.ids.push(notice.id);
      if (notice.dueAt > group.keep.dueAt) {
        group.keep = notice;
      }
    }
  }
  const kept = [...groups.values()].sort((a, b) => a.keep.dueAt - b.keep.dueAt);
  if (kept.length === 0) {
    return [];
  }
  if (kept.length <= maxSeparate) {
    return kept.map(({ keep, ids }) => ({
      id: keep.id,
      title: NOTICE_TITLES[keep.kind],
      body: keep.message,
      noticeIds: ids,
    }));
  }
  const first = kept[0];
  return [
    {
      id: `summary:${first === undefined ? '' : first.keep.id}`,
      title: `${kept.length} notices about your API keys`,
      body: summaryBody(kept.map(({ keep }) => keep.integrationName)),
      noticeIds: kept.flatMap(({ ids }) => ids),
    },
  ];
}

/**
 * Shows notices as OS notifications, each id at most once for the life of this object (one run of
 * the app). Shared by the unlocked path (the engine's `onNotices`) and the locked one, so a notice
 * shown from the schedule file is not shown again when the engine catches it up at unlock.
 */
export class NoticeNotifier {
  private readonly shown = new Set<string>();
  private readonly show: (spec: NotificationSpec) => void;
  private readonly logger: Logger;

  /** `logger` records notifications that could not be shown (default: nowhere). */
  constructor(show: (spec: NotificationSpec) => void, logger: Logger = noopLogger) {
    this.show = show;
    this.logger = logger;
  }

  /** Whether `id` was already shown (or folded into a shown notification) in this run. */
  hasShown(id: string): boolean {
    return this.shown.has(id);
  }

  /** Shows what is new among `notices`; returns how many notifications were shown. */
  notify(notices: readonly NoticeForNotification[]): number {
    const specs = planNotifications(notices, (id) => this.shown.has(id));
    for (const spec of specs) {
      for (const id of spec.noticeIds) {
        this.shown.add(id);
      }
      try {
        this.show(spec);
      } catch (error) {
        // A notification that cannot be shown (no notification server, say) is not retried.
        this.logger.warn('could not show a notification', { notices: spec.noticeIds.length, error });
      }
    }
    return specs.length;
  }
}
