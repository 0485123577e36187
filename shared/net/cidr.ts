import { describeChar } from '../encoding/describe-char.ts';

/** An IP version. */
export type IpVersion = 4 | 6;

/** A parsed IP address. */
export interface IpAddress {
  version: IpVersion;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
  /** Canonical text: dotted decimal, or RFC 5952 (lowercase, shortest `::`). */
  text: string;
}

/** A parsed CIDR block: a network address and a prefix length. */
export interface CidrBlock {
  version: IpVersion;
  /** The network address (host bits all zero), 4 or 16 bytes. */
  network: Uint8Array;
  /** 0–32 for IPv4, 0–128 for IPv6. */
  prefixLength: number;
  /** Canonical text, always with the prefix: `1.1.1.1/32`, `2001:db8::/32`. */
  text: string;
}

/** Why a text is not a CIDR entry. Messages start lowercase so callers can prefix them (`ipAcl: …`). */
export interface CidrError {
  code: 'INVALID_CIDR';
  message: string;
}

/** Why a text is not a single IP address. */
export interface IpError {
  code: 'INVALID_IP';
  message: string;
}

/** A bad entry in an ACL list, with its 0-based index. */
export interface AclError extends CidrError {
  /** 0-based index of the first bad entry in the list given. */
  index: number;
}

/** The outcome of {@link parseCidr}. */
export type CidrResult = { ok: true; value: CidrBlock } | { ok: false; error: CidrError };
/** The outcome of {@link parseIp}. */
export type IpResult = { ok: true; value: IpAddress } | { ok: false; error: IpError };
/** The outcome of {@link canonicalAcl}: the canonical, de-duplicated list, or the first bad entry. */
export type AclResult = { ok: true; value: string[] } | { ok: false; error: AclError };

/** Longer than any address with a prefix (45 characters + `/128`), with room for a typo. */
const MAX_ENTRY_LENGTH = 64;

type AddressParse = { ok: true; version: IpVersion; bytes: Uint8Array } | { ok: false; message: string };

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** `text` is the whole entry; the address is `text[start, end)`, so positions in messages match it. */
function parseIpv4(text: string, start: number, end: number): AddressParse {
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (!isDigit(code) && code !== 0x2e) {
      return fail(`${describeChar(text, index)} at position ${index + 1} is not allowed in an IPv4 address`);
    }
  }
  const parts = text.slice(start, end).split('.');
  if (parts.length !== 4) {
    return fail(`an IPv4 address has 4 dot-separated numbers, got ${parts.length}`);
  }
  const bytes = new Uint8Array(4);
  for (const [index, part] of parts.entries()) {
    if (part === '') {
      return fail(`number ${index + 1} of the IPv4 address is empty`);
    }
    const value = Number(part);
    if (value > 255) {
      return fail(`"${part}" is out of range for an IPv4 address (0–255)`);
    }
    if (part.length > 1 && part.startsWith('0')) {
      return fail(`"${part}" has a leading zero, which some systems read as octal; write ${String(value)}`);
    }
    bytes[index] = value;
  }
  return { ok: true, version: 4, bytes };
}

function parseIpv6(text: string, start: number, end: number): AddressParse {
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (!isHexDigit(code) && code !== 0x3a && code !== 0x2e) {
      return fail(`${describeChar(text, index)} at position ${index + 1} is not allowed in an IPv6 address`);
    }
  }
  const address = text.slice(start, end);
  if (address.includes(':::')) {
    return fail('":::" is not valid in an IPv6 address');
  }
  const doubleColon = address.indexOf('::');
  if (doubleColon >= 0 && address.indexOf('::', doubleColon + 1) >= 0) {
    return fail('"::" may appear only once in an IPv6 address');
  }
  if (address.startsWith(':') && !address.startsWith('::')) {
    return fail('an IPv6 address cannot start with a single ":"');
  }
  if (address.endsWith(':') && !address.endsWith('::')) {
    return fail('an IPv6 address cannot end with a single ":"');
  }
  const head = doubleColon >= 0 ? address.slice(0, doubleColon) : address;
  const tail = doubleColon >= 0 ? address.slice(doubleColon + 2) : '';
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = [...headGroups, ...tailGroups];
  const values: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (group.includes('.')) {
      if (index !== groups.length - 1 || (doubleColon >= 0 && tailGroups.length === 0)) {
        return fail('an embedded IPv4 address must come last in an IPv6 address');
      }
      const embedded = parseIpv4(group, 0, group.length);
      if (!embedded.ok) {
        return fail(`embedded IPv4 address: ${embedded.message}`);
      }
      const [a = 0, b = 0, c = 0, d = 0] = embedded.bytes;
      values.push((a << 8) | b, (c << 8) | d);
    } else if (group.length > 4) {
      return fail(`group "${group}" has more than 4 hex digits`);
    } else {
      values.push(Number.parseInt(group, 16));
    }
  }
  if (doubleColon >= 0) {
    if (values.length > 7) {
      return fail(
        `"::" must stand for at least one zero group, but ${values.length} groups are already written`,
      );
    }
  } else if (values.length !== 8) {
    return fail(`an IPv6 address has 8 groups, got ${values.length} (use "::" for a run of zero groups)`);
  }
  const headCount = doubleColon >= 0 ? values.length - tailGroups.length - (tail.includes('.') ? 1 : 0) : 8;
  const full = new Array<number>(8).fill(0);
  for (let index = 0; index < headCount; index += 1) {
    full[index] = values[index] ?? 0;
  }
  const tailValues = values.slice(headCount);
  for (let index = 0; index < tailValues.length; index += 1) {
    full[8 - tailValues.length + index] = tailValues[index] ?? 0;
  }
  const bytes = new Uint8Array(16);
  for (let index = 0; index < 8; index += 1) {
    const value = full[index] ?? 0;
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  }
  return { ok: true, version: 6, bytes };
}

/** Parses the address part of an entry: `text[0, end)`. */
function parseAddress(text: string, end: number): AddressParse {
  if (end === 0) {
    return fail('the address is missing');
  }
  const address = text.slice(0, end);
  if (address.includes('%')) {
    return fail('zone ids (the "%…" part) are not allowed: an ACL entry applies on every interface');
  }
  if (address.startsWith('[') || address.endsWith(']')) {
    return fail('remove the brackets: write 2001:db8::1, not [2001:db8::1]');
  }
  if (address.includes(':')) {
    return parseIpv6(text, 0, end);
  }
  if (address.includes('.')) {
    return parseIpv4(text, 0, end);
  }
  if (/^\d+$/.test(address)) {
    return fail('a bare number is not an IP address; write a dotted IPv4 address such as 10.0.0.1');
  }
  return fail('not an IPv4 or IPv6 address');
}

function formatIpv4(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), String).join('.');
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let index = 0; index < 10; index += 1) {
    if (bytes[index] !== 0) {
      return false;
    }
  }
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function formatIpv6(bytes: Uint8Array): string {
  if (isIpv4Mapped(bytes)) {
    return `::ffff:${formatIpv4(bytes.subarray(12))}`;
  }
  const groups: number[] = [];
  for (let index = 0; index < 8; index += 1) {
    groups.push(((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0));
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let index = 0; index < 8;) {
    if (groups[index] !== 0) {
      index += 1;
      continue;
    }
    let runEnd = index;
    while (runEnd < 8 && groups[runEnd] === 0) {
      runEnd += 1;
    }
    if (runEnd - index > bestLength) {
      bestStart = index;
      bestLength = runEnd - index;
    }
    index = runEnd;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) {
    return hex.join(':');
  }
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Canonical text of a 4- or 16-byte address: dotted decimal, or RFC 5952 (lowercase, no leading
 * zeros, the longest run of two or more zero groups as `::`, IPv4-mapped addresses as `::ffff:1.2.3.4`).
 */
export function formatIp(bytes: Uint8Array): string {
  return bytes.length === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
}

function checkedLength(text: string): string | null {
  return text.length > MAX_ENTRY_LENGTH ? `too long for an IP address (${text.length} characters)` : null;
}

/** Parses one IPv4 or IPv6 address (no prefix, no zone id); surrounding whitespace is ignored. */
export function parseIp(text: string): IpResult {
  const entry = text.trim();
  const problem =
    entry === ''
      ? 'empty; enter an IPv4 or IPv6 address'
      : (checkedLength(entry) ?? (entry.includes('/') ? 'a single address has no "/prefix"' : null));
  if (problem !== null) {
    return { ok: false, error: { code: 'INVALID_IP', message: problem } };
  }
  const parsed = parseAddress(entry, entry.length);
  if (!parsed.ok) {
    return { ok: false, error: { code: 'INVALID_IP', message: parsed.message } };
  }
  return { ok: true, value: { version: parsed.version, bytes: parsed.bytes, text: formatIp(parsed.bytes) } };
}

function cidrError(message: string): CidrResult {
  return { ok: false, error: { code: 'INVALID_CIDR', message } };
}

function parsePrefixLength(entry: string, slash: number, maxBits: number): number | string {
  const digits = entry.slice(slash + 1);
  if (digits === '') {
    return 'the prefix length after "/" is missing';
  }
  for (let index = slash + 1; index < entry.length; index += 1) {
    if (!isDigit(entry.charCodeAt(index))) {
      return `the prefix length must be a number: ${describeChar(entry, index)} at position ${index + 1}`;
    }
  }
  const value = Number(digits);
  if (value > maxBits) {
    return `the prefix length ${digits} is out of range for IPv${maxBits === 32 ? 4 : 6} (0–${maxBits})`;
  }
  if (digits.length > 1 && digits.startsWith('0')) {
    return `the prefix length "${digits}" has a leading zero; write ${String(value)}`;
  }
  return value;
}

/** Copies `address` with every bit after the first `prefixLength` cleared. */
function maskTo(address: Uint8Array, prefixLength: number): Uint8Array {
  const network = new Uint8Array(address.length);
  for (let index = 0; index < address.length; index += 1) {
    const keep = Math.max(0, Math.min(8, prefixLength - index * 8));
    network[index] = (address[index] ?? 0) & ((0xff << (8 - keep)) & 0xff);
  }
  return network;
}

/**
 * Parses one ACL entry — an IPv4 or IPv6 address with an optional `/prefix` — to its canonical
 * form: `1.1.1.1` → `1.1.1.1/32`, `2001:DB8::1` → `2001:db8::1/128`. Surrounding whitespace is
 * ignored. Rejects host bits set (suggesting the network), leading zeros, zone ids and anything
 * else with a precise message. Never throws.
 */
export function parseCidr(text: string): CidrResult {
  const entry = text.trim();
  if (entry === '') {
    return cidrError('empty; enter an IPv4 or IPv6 address, optionally with a /prefix');
  }
  const tooLong = checkedLength(entry);
  if (tooLong !== null) {
    return cidrError(tooLong);
  }
  const slash = entry.indexOf('/');
  if (slash >= 0 && entry.indexOf('/', slash + 1) >= 0) {
    return cidrError('more than one "/"');
  }
  const parsed = parseAddress(entry, slash >= 0 ? slash : entry.length);
  if (!parsed.ok) {
    return cidrError(parsed.message);
  }
  const maxBits = parsed.bytes.length * 8;
  const prefixLength = slash >= 0 ? parsePrefixLength(entry, slash, maxBits) : maxBits;
  if (typeof prefixLength === 'string') {
    return cidrError(prefixLength);
  }
  const network = maskTo(parsed.bytes, prefixLength);
  const canonical = `${formatIp(network)}/${prefixLength}`;
  if (network.some((byte, index) => byte !== parsed.bytes[index])) {
    return cidrError(`host bits set; did you mean ${canonical}?`);
  }
  return { ok: true, value: { version: parsed.version, network, prefixLength, text: canonical } };
}

/** Quotes an entry for a message when it is short, printable ASCII; otherwise leaves it out. */
function quoteEntry(entry: string): string {
  return entry.length <= MAX_ENTRY_LENGTH && /^[\x20-\x7e]*$/.test(entry) ? ` ${JSON.stringify(entry)}` : '';
}

/**
 * Validates an IP ACL and returns it canonical and de-duplicated (first occurrence kept, order
 * otherwise unchanged), or the first bad entry with its 0-based index. An empty list stays empty
 * (= any address).
 */
export function canonicalAcl(list: readonly string[]): AclResult {
  const seen = new Set<string>();
  const value: string[] = [];
  for (const [index, entry] of list.entries()) {
    const parsed = parseCidr(entry);
    if (!parsed.ok) {
      return {
        ok: false,
        error: {
          code: 'INVALID_CIDR',
          message: `entry ${index + 1}${quoteEntry(entry)}: ${parsed.error.message}`,
          index,
        },
      };
    }
    if (!seen.has(parsed.value.text)) {
      seen.add(parsed.value.text);
      value.push(parsed.value.text);
    }
  }
  return { ok: true, value };
}

/** True when `address` (same version, same byte length) lies inside `block`. */
function blockContains(block: CidrBlock, address: Uint8Array): boolean {
  const fullBytes = block.prefixLength >> 3;
  for (let index = 0; index < fullBytes; index += 1) {
    if (block.network[index] !== address[index]) {
      return false;
    }
  }
  const restBits = block.prefixLength & 7;
  if (restBits === 0) {
    return true;
  }
  const mask = (0xff << (8 - restBits)) & 0xff;
  return ((address[fullBytes] ?? 0) & mask) === (block.network[fullBytes] ?? 0);
}

/** The same address in the other family, when it has one: IPv4 ↔ IPv4-mapped IPv6 (`::ffff:a.b.c.d`). */
function otherFamily(address: IpAddress): Uint8Array | null {
  if (address.version === 4) {
    const mapped = new Uint8Array(16);
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped.set(address.bytes, 12);
    return mapped;
  }
  return isIpv4Mapped(address.bytes) ? address.bytes.slice(12) : null;
}

/**
 * Compiles an ACL once into a matcher, for hot paths that check many addresses. Same rules as
 * {@link aclAllows}.
 */
export function compileAcl(acl: readonly string[]): (ip: string) => boolean {
  if (acl.length === 0) {
    return () => true;
  }
  const blocks: CidrBlock[] = [];
  for (const entry of acl) {
    const parsed = parseCidr(entry);
    if (parsed.ok) {
      blocks.push(parsed.value);
    }
  }
  return (ip: string): boolean => {
    const parsed = parseIp(ip);
    if (!parsed.ok) {
      return false;
    }
    const address = parsed.value;
    const other = otherFamily(address);
    return blocks.some(
      (block) =>
        (block.network.length === address.bytes.length && blockContains(block, address.bytes)) ||
        (other !== null && block.network.length === other.length && blockContains(block, other)),
    );
  };
}

/**
 * True when the ACL lets `ip` in. An empty ACL allows any address. An IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`) matches IPv4 entries and vice versa. Fails closed: an unparsable `ip` is never
 * allowed by a non-empty ACL, and an invalid entry matches nothing.
 */
export function aclAllows(acl: readonly string[], ip: string): boolean {
  return compileAcl(acl)(ip);
}
