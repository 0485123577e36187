import type { KeyReport } from './decode-report.ts';
import { StatusIcon } from './StatusIcon.tsx';

/** The offline check of a key: prefix, length, alphabet and checksum. */
export function FormatLine(props: { format: KeyReport['format'] }) {
  const { format } = props;
  return format.valid ? (
    <p className="decode-line" data-testid="key-format" data-valid="true">
      <StatusIcon tone="ok" />
      <span>
        Format and checksum valid — prefix <code>{format.prefix}</code>
      </span>
    </p>
  ) : (
    <p className="decode-line" data-testid="key-format" data-valid="false">
      <StatusIcon tone="danger" />
      <span>
        Not a valid Keyward key: {format.message} <code>{format.code}</code>
      </span>
    </p>
  );
}
