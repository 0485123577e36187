import type { NoticeKind } from './notice-kinds.ts';
import { NOTICE_KINDS } from './notice-kinds.ts';

/** The icon of a notice kind, drawn with SVG elements; decorative (the kind is also in words). */
export function NoticeIcon(props: { kind: NoticeKind }) {
  const { kind } = props;
  return (
    <span className={`notices-icon notices-icon--${NOTICE_KINDS[kind].tone}`} aria-hidden="true">
      <svg viewBox="0 0 20 20" focusable="false">
        {kind === 'expires-soon' && (
          <>
            <circle cx="10" cy="10" r="6.5" />
            <path d="M10 6.5V10l2.5 1.6" />
          </>
        )}
        {kind === 'grace-ending' && (
          <path d="M6 3.5h8M6 16.5h8M7 3.5c0 3.5 6 3.5 6 6.5s-6 3-6 6.5M13 3.5c0 3.5-6 3.5-6 6.5s6 3 6 6.5" />
        )}
        {kind === 'expired' && (
          <>
            <circle cx="10" cy="10" r="6.5" />
            <path d="M5.4 14.6l9.2-9.2" />
          </>
        )}
        {kind === 'rotated' && (
          <path d="M15 8.2A5.5 5.5 0 0 0 5 7M5 11.8A5.5 5.5 0 0 0 15 13M5 3.8V7h3.2M15 16.2V13h-3.2" />
        )}
        {kind === 'rotation-failed' && <path d="M10 3.5l7 12.5H3zM10 8.3v3.6M10 14v.2" />}
        {kind === 'backup-failed' && (
          <>
            <ellipse cx="10" cy="5.5" rx="5.5" ry="2" />
            <path d="M4.5 5.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9M8 9.5l4 4M12 9.5l-4 4" />
          </>
        )}
      </svg>
    </span>
  );
}
