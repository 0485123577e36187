/** A titled, scrollable, keyboard-focusable block of pretty JSON (or text) in monospace. */
export function JsonBlock(props: { id: string; title: string; text: string; note?: string }) {
  return (
    <section className="panel decode-card decode-json" aria-labelledby={props.id}>
      <div className="decode-card__head">
        <h2 id={props.id}>{props.title}</h2>
        {props.note !== undefined && <span className="muted small">{props.note}</span>}
      </div>
      {/* Focusable so its scrolled content is reachable by keyboard. */}
      <pre
        className="decode-json__pre"
        tabIndex={0}
        aria-labelledby={props.id}
        data-testid={`${props.id}-json`}
      >
        {props.text}
      </pre>
    </section>
  );
}
