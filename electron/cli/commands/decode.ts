import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KeywardError } from '../../../shared/errors.ts';
import { describeRefusal } from '../../../shared/keys/acceptance.ts';
import { TokenDecoder } from '../../vault/decoder/token-decoder.ts';
import type { DecodedToken, KeyReport, TimeValue } from '../../vault/decoder/token-decoder.ts';
import type { CommandContext, CommandRunner } from '../cli-context.ts';
import type { CommandResult } from '../output.ts';
import { printable, printableLine } from '../present.ts';
import { timeFor, unlockEngine } from '../vault-access.ts';

/** `keyward decode` options. */
export interface DecodeCommandOptions {
  /** Files with keys to trust: a JWKS, a JWK, or PEM public keys / certificates. */
  trust?: string[];
  /** Files with HMAC shared secrets (an oct JWK / JWKS, or the raw secret). */
  trustSecret?: string[];
  /** Never open the vault. */
  offline?: boolean;
  /** Open the vault even if that means prompting for the master password. */
  unlock?: boolean;
}

/** The most stdin `decode -` reads: the parser refuses anything over 1 MiB anyway. */
const MAX_STDIN_BYTES = 1_048_576;
/** The largest `--trust` / `--trust-secret` file read. */
const MAX_TRUST_FILE_BYTES = 1_048_576;

const HELP = `
Decodes a Secret, any other compact JWS/JWT, or a raw API key, offline: nothing is sent anywhere
(no remote JWKS is ever fetched). TOKEN may be pasted as is: quotes, "Authorization:", "Bearer" and
wrapped lines are cleaned up. \`-\`, or no TOKEN with stdin not a terminal, reads it from stdin:

  keyward decode "$TOKEN"
  pbpaste | keyward decode -
  keyward decode --trust issuer-jwks.json "$THEIR_TOKEN"

Shows the header and payload, the registered claims as times, validity (not yet valid / valid for
N / expired N ago), the signature, and for a Secret's client_secret or a raw key: prefix and
checksum, and the vault key it is (integration, key id, status, grace end, IP ACL, accepted now).
Key material is never printed: client_secret and anything shaped like a key are masked
(\`keyward keys reveal\` shows a key after re-authentication).

Signature: verified-vault (a signing key of this vault, current or retired), verified-imported
(a key from --trust / --trust-secret), invalid (a known key, but the signature does not match:
altered or forged), unverified (unknown issuer), unsupported-alg (e.g. alg "none").

The vault is needed only to match vault keys and verify vault signatures. It is opened with the
master password when one is given (--password-stdin, KEYWARD_PASSWORD), else with the key
remembered on this device; decode never prompts unless --unlock is given. When the vault cannot be
opened that way (locked and not remembered, no vault, damaged), the token is still decoded and the
report says that vault signatures and key matches were not checked. A wrong password fails (exit 3).
--password-stdin and a token on stdin cannot be combined.

--trust FILE (repeatable): a JWKS, a single JWK, or PEM (SPKI public key, PKCS#1 RSA public key,
X.509 certificate); RS*, PS*, ES256/384/512 and EdDSA keys. Private keys are refused.
--trust-secret FILE (repeatable): an HMAC shared secret for HS256/384/512, as an oct JWK or JWKS,
or the raw secret (one trailing newline ignored). Shared secrets are used only when given here.

Exit codes: 0 for any token that was decoded, even expired, unverified or with an invalid
signature (the report says so; scripts read "signature.status" and "validity.state" from --json);
2 for input that is not a token or key, with the parser's precise reason and its code, e.g.
"Cannot decode: expected 3 dot-separated segments, got 2: … (TOKEN_SEGMENT_COUNT)".

--json output (a JWS; "kind":"api-key" has "key", "vault", "warnings"):
  {"kind":"jws","header":{…},"headerText":"…","payload":{"format":"claims","claims":{…}},
   "payloadText":"…","registered":{"iss":…,"sub":…,"aud":…,"jti":…,
   "iat":{"epochMs":…,"text":"…","relative":"…"}|null,"nbf":…,"exp":…},
   "validity":{"state":"valid"|"expired"|"not-yet-valid"|"no-expiry","text":"valid for 23 h 59 m"},
   "issuer":"this-vault"|"keyward"|"other"|"none",
   "signature":{"status":"verified-vault",…,"alg":"EdDSA","kid":"…","message":"…","key":{…}|null},
   "clientSecret":{"masked":"kw_AbC12…","format":{"valid":true,"prefix":"kw_"},
     "match":{"state":"found"|"not-in-vault"|"not-checked",…}}|null,
   "vault":{"checked":true,"vaultId":"…"}|{"checked":false,"reason":"…"},"warnings":[…]}`;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8');
    size += bytes.length;
    if (size > MAX_STDIN_BYTES) {
      throw new KeywardError('USAGE', 'stdin holds over 1 MiB; a token is at most 16 KiB.');
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The text to decode: the argument, or stdin for `-` (or no argument with stdin not a terminal). */
async function tokenInput(context: CommandContext, token: string | undefined): Promise<string> {
  if (token !== undefined && token !== '-') {
    return token;
  }
  if (token === undefined && context.isTTY) {
    throw new KeywardError(
      'USAGE',
      'Give the token to decode as an argument, or `-` to read it from stdin (e.g. `pbpaste | keyward decode -`).',
    );
  }
  if (context.passwords.readsStdin) {
    throw new KeywardError(
      'USAGE',
      'The token and --password-stdin cannot both come from stdin: give the token as an argument, ' +
        'or the password in KEYWARD_PASSWORD.',
    );
  }
  return readStdin(context.stdin);
}

function readTrustFile(flag: string, path: string): Buffer {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_TRUST_FILE_BYTES) {
      throw new KeywardError('USAGE', `${flag} ${path}: the file is over 1 MiB; a key set is a few KiB.`);
    }
    return bytes;
  } catch (error) {
    if (error instanceof KeywardError) {
      throw error;
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KeywardError('USAGE', `${flag} ${path}: cannot read the file (${code}).`);
  }
}

function prefixed(flag: string, path: string, error: unknown): unknown {
  return error instanceof KeywardError
    ? new KeywardError(error.code, `${flag} ${path}: ${error.message}`, { cause: error })
    : error;
}

/** What decoding needs: the engine's decoder while the vault is open, a bare decoder otherwise. */
type Decoder = Pick<TokenDecoder, 'decode' | 'importTrustedKeys'> & {
  importSharedSecret(
    ...args: Parameters<TokenDecoder['importSharedSecret']>
  ): ReturnType<TokenDecoder['importSharedSecret']> | Promise<ReturnType<TokenDecoder['importSharedSecret']>>;
};

async function importTrust(decoder: Decoder, options: DecodeCommandOptions): Promise<void> {
  for (const path of options.trust ?? []) {
    const text = readTrustFile('--trust', path).toString('utf8');
    await decoder.importTrustedKeys(text, { label: path }).catch((error: unknown) => {
      throw prefixed('--trust', path, error);
    });
  }
  for (const path of options.trustSecret ?? []) {
    const bytes = readTrustFile('--trust-secret', path);
    const text = bytes.toString('utf8');
    try {
      if (text.trimStart().startsWith('{')) {
        await decoder.importTrustedKeys(text, { label: path, sharedSecrets: true });
      } else {
        const end = text.endsWith('\r\n') ? 2 : text.endsWith('\n') ? 1 : 0;
        await decoder.importSharedSecret(bytes.subarray(0, bytes.length - end), { label: path });
      }
    } catch (error) {
      throw prefixed('--trust-secret', path, error);
    }
  }
}

/** Errors that mean "the vault cannot be opened without asking": decode then goes on without it. */
const SOFT_VAULT_ERRORS = new Set([
  'NOT_REMEMBERED',
  'KEYCHAIN_UNAVAILABLE',
  'VAULT_NOT_FOUND',
  'VAULT_CORRUPT',
]);

/**
 * Opens the vault if that needs no prompt (a given password, or the remembered device key), or
 * with --unlock the way every command does. Otherwise says why it stays closed.
 */
async function openVault(
  context: CommandContext,
  options: DecodeCommandOptions,
): Promise<{ opened: true } | { reason: string }> {
  if (options.offline === true) {
    return { reason: 'not opened (--offline)' };
  }
  if (options.unlock === true || context.passwords.supplied) {
    if (!context.engine.vault.exists() && options.unlock !== true) {
      return { reason: `no vault at ${context.vaultPath}` };
    }
    await unlockEngine(context);
    return { opened: true };
  }
  try {
    if (!context.engine.vault.exists()) {
      return { reason: `no vault at ${context.vaultPath}` };
    }
    await context.engine.unlockWithKeychain();
    return { opened: true };
  } catch (error) {
    if (error instanceof KeywardError && SOFT_VAULT_ERRORS.has(error.code)) {
      const why =
        error.code === 'VAULT_CORRUPT'
          ? `the vault could not be opened (${error.message})`
          : 'the vault is locked and not remembered on this device: give the master password ' +
            '(KEYWARD_PASSWORD, --password-stdin, or --unlock to be asked) or run `keyward unlock --remember`';
      return { reason: why };
    }
    throw error;
  }
}

function when(value: TimeValue | null): string {
  return value === null ? '—' : `${value.text} (${value.relative})`;
}

/** `Name:` padded so that values line up. */
function field(name: string, value: string): string {
  return `${`${name}:`.padEnd(15)}${value}`;
}

/** A line under a key, indented. */
function detail(name: string, value: string): string {
  return `  ${`${name}:`.padEnd(14)}${value}`;
}

function keyLines(label: string, report: KeyReport): string[] {
  const format = report.format.valid
    ? `prefix ${report.format.prefix}, checksum ok`
    : `not a valid key: ${report.format.message}`;
  const lines = [field(label, `${report.masked} (${format})`)];
  const { match } = report;
  if (match.state === 'not-checked') {
    lines.push(detail('Vault key', `not checked: ${match.reason}`));
  } else if (match.state === 'not-in-vault') {
    lines.push(detail('Vault key', 'not a key of this vault'));
  } else {
    const { integration, key } = match;
    const recorded =
      key.recordedStatus === key.status ? '' : ` (the vault still records ${key.recordedStatus})`;
    const access = integration.enabled ? '' : ', API access disabled';
    lines.push(
      detail(
        'Integration',
        `${printableLine(integration.name)} (${integration.id}, ${integration.platform}${access})`,
      ),
      detail('Key', `${key.id} ${key.masked}, ${key.status}${recorded}`),
      detail('Expires', key.expiresAt === null ? 'never' : when(key.expiresAt)),
      detail('Grace ends', when(key.graceEndsAt)),
      detail('IP ACL', integration.ipAcl.length === 0 ? 'any address' : integration.ipAcl.join(', ')),
      detail(
        'Accepted now',
        match.accepted || match.notAcceptedReason === null
          ? 'yes'
          : `no: ${match.notAcceptedReason} (${describeRefusal(match.notAcceptedReason)})`,
      ),
    );
  }
  return lines;
}

function vaultLine(decoded: DecodedToken): string {
  return field(
    'Vault',
    decoded.vault.checked
      ? `checked (${decoded.vault.vaultId ?? 'open'})`
      : `not checked: ${decoded.vault.reason}`,
  );
}

const ISSUER_NOTE = {
  'this-vault': ' (this vault)',
  keyward: ' (another Keyward vault)',
  other: '',
  none: '',
};

/** The report as text for people; every line made safe for a terminal. */
export function decodeLines(decoded: DecodedToken): string[] {
  const lines: string[] = [];
  if (decoded.kind === 'api-key') {
    lines.push(...keyLines('API key', decoded.key), vaultLine(decoded));
  } else {
    const { registered, signature } = decoded;
    const aud = Array.isArray(registered.aud) ? registered.aud.join(', ') : registered.aud;
    lines.push(
      field('Token', `JWS, alg ${signature.alg}${signature.kid === null ? '' : `, kid ${signature.kid}`}`),
      field('Signature', signature.message),
      field('Validity', decoded.validity?.text ?? '— (the payload is not a claims set)'),
    );
    const texts = [
      ['Issuer', registered.iss === null ? null : `${registered.iss}${ISSUER_NOTE[decoded.issuer]}`],
      ['Subject', registered.sub],
      ['Audience', aud],
      ['JWT ID', registered.jti],
    ] as const;
    const times = [
      ['Issued at', registered.iat],
      ['Not before', registered.nbf],
      ['Expires', registered.exp],
    ] as const;
    for (const [name, value] of texts) {
      if (value !== null) {
        lines.push(field(name, printableLine(value)));
      }
    }
    for (const [name, value] of times) {
      if (value !== null) {
        lines.push(field(name, when(value)));
      }
    }
    if (decoded.clientSecret !== null) {
      lines.push(...keyLines('client_secret', decoded.clientSecret));
    }
    lines.push(vaultLine(decoded));
    lines.push('Header:', ...decoded.headerText.split('\n'), 'Payload:', ...decoded.payloadText.split('\n'));
  }
  for (const warning of decoded.warnings) {
    lines.push(field('Warning', warning));
  }
  return lines.map(printable);
}

/** `keyward decode`: decodes offline; the vault only to match keys and verify its signatures. */
export async function runDecode(
  context: CommandContext,
  token: string | undefined,
  options: DecodeCommandOptions,
): Promise<CommandResult> {
  if (options.offline === true && options.unlock === true) {
    throw new KeywardError('USAGE', '--offline and --unlock contradict each other; give one of them.');
  }
  const input = await tokenInput(context, token);
  const vault = await openVault(context, options);
  const unlocked = 'opened' in vault ? context.engine : null;
  const decoder: Decoder =
    unlocked ??
    new TokenDecoder({
      clock: { now: context.now },
      vaultUnavailable: 'reason' in vault ? vault.reason : '',
    });
  await importTrust(decoder, options);
  const report = await decoder.decode(input, { utc: timeFor(context, unlocked).utc });
  if (!report.ok) {
    const { code, message } = report.error;
    if (code === 'DECODE_FAILED') {
      throw new KeywardError('INTERNAL', 'The token could not be decoded.');
    }
    throw new KeywardError('INVALID_INPUT', `Cannot decode: ${message} (${code})`);
  }
  return { json: { ...report.value }, lines: decodeLines(report.value) };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds `decode` to the program. */
export function registerDecodeCommand(program: Command, run: CommandRunner): void {
  program
    .command('decode')
    .summary('decode a Secret, any JWT/JWS or a raw key, offline; verify and match vault keys')
    .description(
      'Decode a token or API key offline: claims, times, validity, signature, and the vault key it holds.',
    )
    .argument('[token]', 'the token or key; `-` (or nothing, with stdin not a terminal) reads stdin')
    .option(
      '--trust <file>',
      'trust the keys in FILE (JWKS, JWK, or PEM public key/certificate); repeatable',
      collect,
    )
    .option(
      '--trust-secret <file>',
      'trust the HMAC shared secret in FILE (oct JWK, or raw); repeatable',
      collect,
    )
    .option('--offline', 'do not open the vault (no vault signatures, no key match)')
    .option('--unlock', 'open the vault even if that means asking for the master password')
    .addHelpText('after', HELP)
    .action((token: string | undefined, options: DecodeCommandOptions, command: Command) =>
      run(command, (context) => runDecode(context, token, options)),
    );
}
