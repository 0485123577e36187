import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A throwaway self-signed certificate and its key, as files and as bytes. */
export interface SelfSignedCert {
  /** `DIR/NAME.pem`. */
  certPath: string;
  /** `DIR/NAME.key` (unencrypted). */
  keyPath: string;
  cert: Buffer;
  key: Buffer;
  /** The certificate as PEM text. */
  pem: string;
  /** Its SHA-256 as Node prints `fingerprint256` (AB:CD:…). */
  sha256: string;
}

/**
 * Makes a throwaway self-signed P-256 certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1,
 * valid one day) with Debian's openssl — no library generates X.509 here. Written to
 * `dir/name.pem` and `dir/name.key`; the subject is `CN=commonName` (default: `name`).
 */
export function selfSignedCert(dir: string, name: string, commonName = name): SelfSignedCert {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-days', '1', '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', keyPath, '-out', certPath],
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certPath);
  const pem = cert.toString('utf8');
  return {
    certPath,
    keyPath,
    cert,
    key: readFileSync(keyPath),
    pem,
    sha256: new X509Certificate(pem).fingerprint256,
  };
}
