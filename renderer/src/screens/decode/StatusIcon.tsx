/** The tone of a status: good, needs attention, bad, or just information. */
export type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

/**
 * A small icon for a tone, drawn with SVG elements (the CSP allows no inline markup). Decorative:
 * the text beside it always says the same thing in words.
 */
export function StatusIcon(props: { tone: Tone }) {
  return (
    <svg
      className={`decode-icon decode-icon--${props.tone}`}
      viewBox="0 0 20 20"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="10" cy="10" r="9" />
      {props.tone === 'ok' && <path d="M5.8 10.3l2.7 2.7 5.7-6" />}
      {props.tone === 'danger' && <path d="M6.5 6.5l7 7M13.5 6.5l-7 7" />}
      {props.tone === 'warn' && <path d="M10 5.2v6M10 14.2v.6" />}
      {props.tone === 'neutral' && <path d="M10 9v5.5M10 5.6v.6" />}
    </svg>
  );
}
