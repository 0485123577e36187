import type { SignatureReport } from './decode-report.ts';
import { StatusIcon } from './StatusIcon.tsx';
import type { Tone } from './StatusIcon.tsx';

/** The headline of a signature status, and its tone. */
function headline(signature: SignatureReport): { title: string; tone: Tone } {
  switch (signature.status) {
    case 'verified-vault':
      return { title: 'Signature verified by this vault’s key', tone: 'ok' };
    case 'verified-imported':
      return { title: 'Signature verified by an imported key', tone: 'ok' };
    case 'invalid':
      return { title: 'Invalid signature — do not trust this token', tone: 'danger' };
    case 'unverified':
      return { title: 'Signature not verified — unknown issuer', tone: 'warn' };
    case 'unsupported-alg':
      return signature.alg === 'none'
        ? { title: 'Unsigned token — anyone could have written it', tone: 'danger' }
        : { title: `Signature not checked — ${signature.alg} is not supported`, tone: 'warn' };
  }
}

/** Which key verified the token (or should have). */
function keyLine(key: SignatureReport['key']): string | null {
  if (key === null) {
    return null;
  }
  if (key.source === 'vault') {
    return `Vault signing key ${key.kid}${key.published ? ' (published in the JWKS)' : ' (retired)'}`;
  }
  const parts = [key.type, key.curve, key.alg].filter((part): part is string => part !== null);
  return `Imported key from ${key.label}${key.kid === null ? '' : `, kid ${key.kid}`} (${parts.join(', ')})`;
}

/** The signature status as a coloured banner: what was checked, with which key, and the verdict. */
export function SignatureBanner(props: { signature: SignatureReport }) {
  const { signature } = props;
  const { title, tone } = headline(signature);
  const key = keyLine(signature.key);
  return (
    <section
      className={`decode-banner decode-banner--${tone}`}
      aria-labelledby="decode-signature-title"
      data-testid="signature-banner"
      data-status={signature.status}
    >
      <StatusIcon tone={tone} />
      <div className="decode-banner__body">
        <h2 id="decode-signature-title" className="decode-banner__title">
          {title}
        </h2>
        <p className="decode-banner__text">{signature.message}</p>
        <p className="decode-banner__meta">
          <span>
            alg <code>{signature.alg}</code>
          </span>
          {signature.kid !== null && (
            <span>
              kid <code>{signature.kid}</code>
            </span>
          )}
          {key !== null && <span>{key}</span>}
        </p>
      </div>
    </section>
  );
}
