import { StatusIcon } from './StatusIcon.tsx';

/** Things worth knowing that did not stop the decode (malformed claims, mismatched key ids…). */
export function Warnings(props: { warnings: string[] }) {
  if (props.warnings.length === 0) {
    return null;
  }
  return (
    <section
      className="decode-warnings"
      aria-labelledby="decode-warnings-title"
      data-testid="decode-warnings"
    >
      <h2 id="decode-warnings-title" className="decode-warnings__title">
        <StatusIcon tone="warn" />
        {props.warnings.length === 1 ? '1 warning' : `${props.warnings.length} warnings`}
      </h2>
      <ul>
        {props.warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </section>
  );
}
