import type { DecodeReport, KeyMatch, SignatureStatus } from './decode-report.ts';

const SIGNATURE_WORDS: Record<SignatureStatus, string> = {
  'verified-vault': "signature verified by this vault's key",
  'verified-imported': 'signature verified by an imported key',
  invalid: 'INVALID signature',
  unverified: 'signature not verified',
  'unsupported-alg': 'signature not checked',
};

function matchWords(match: KeyMatch): string {
  switch (match.state) {
    case 'found':
      return `key of ${match.integration.name}, ${match.key.status}, ${match.accepted ? 'accepted now' : 'not accepted now'}`;
    case 'not-in-vault':
      return 'not a key of this vault';
    case 'not-checked':
      return 'vault not checked';
  }
}

/** One sentence for the live region: what was decoded and the verdicts, without any of the content. */
export function decodeSummary(report: DecodeReport): string {
  if (!report.ok) {
    return `Cannot decode: ${report.error.message}.`;
  }
  const decoded = report.value;
  if (decoded.kind === 'api-key') {
    return `API key: ${decoded.key.format.valid ? 'format and checksum valid' : 'invalid format'}; ${matchWords(decoded.key.match)}.`;
  }
  const parts = [SIGNATURE_WORDS[decoded.signature.status]];
  if (decoded.validity !== null) {
    parts.push(decoded.validity.text);
  }
  if (decoded.clientSecret !== null) {
    parts.push(matchWords(decoded.clientSecret.match));
  }
  return `Token decoded: ${parts.join('; ')}.`;
}
