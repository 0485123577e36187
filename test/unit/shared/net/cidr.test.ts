import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aclAllows,
  canonicalAcl,
  compileAcl,
  formatIp,
  parseCidr,
  parseIp,
} from '../../../../shared/net/cidr.ts';
import { fuzzText, stringOver } from '../fuzz-strings.ts';

function canonical(text: string): string {
  const result = parseCidr(text);
  if (!result.ok) {
    throw new Error(`expected ${text} to parse, got: ${result.error.message}`);
  }
  return result.value.text;
}

function errorOf(text: string): string {
  const result = parseCidr(text);
  if (result.ok) {
    throw new Error(`expected ${text} to be rejected, got ${result.value.text}`);
  }
  expect(result.error.code).toBe('INVALID_CIDR');
  return result.error.message;
}

/** The WHATWG URL serializer implements RFC 5952 compression (without the IPv4-mapped rule). */
function whatwgIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) {
    groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  }
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function isMapped(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function bitsOf(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(2).padStart(8, '0')).join('');
}

describe('parseCidr: canonical forms', () => {
  it.each([
    ['1.1.1.1', '1.1.1.1/32'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['255.255.255.255', '255.255.255.255/32'],
    ['192.168.1.0/24', '192.168.1.0/24'],
    ['  172.16.0.0/12 \n', '172.16.0.0/12'],
    ['2001:DB8::1', '2001:db8::1/128'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1/128'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::', '::/128'],
    ['::/0', '::/0'],
    ['::1', '::1/128'],
    ['1::', '1::/128'],
    ['fe80::/10', 'fe80::/10'],
    // RFC 5952 §4.2.2: a single zero group is not compressed.
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1/128'],
    // §4.2.3: the longest run is compressed; on a tie, the first.
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1/128'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    // §5: IPv4-mapped addresses keep their dotted tail, whichever way they were written.
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128'],
    ['::FFFF:102:304', '::ffff:1.2.3.4/128'],
    ['0:0:0:0:0:ffff:0102:0304', '::ffff:1.2.3.4/128'],
    ['::ffff:0:0/96', '::ffff:0.0.0.0/96'],
    // Embedded IPv4 elsewhere is only a way to write the last 32 bits.
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221/128'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8/128'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0/128'],
  ])('%j → %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it('returns the network bytes, version and prefix length', () => {
    const result = parseCidr('10.1.0.0/16');
    expect(result).toEqual({
      ok: true,
      value: { version: 4, network: new Uint8Array([10, 1, 0, 0]), prefixLength: 16, text: '10.1.0.0/16' },
    });
  });

  it('accepts both prefix bounds for each family', () => {
    expect(canonical('8.8.8.8/32')).toBe('8.8.8.8/32');
    expect(canonical('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(canonical('2001:db8::1/128')).toBe('2001:db8::1/128');
    expect(canonical('::/0')).toBe('::/0');
  });
});

describe('parseCidr: rejections a user can act on', () => {
  it('host bits set: suggests the network', () => {
    expect(errorOf('10.0.0.1/8')).toBe('host bits set; did you mean 10.0.0.0/8?');
    expect(errorOf('192.168.1.77/24')).toBe('host bits set; did you mean 192.168.1.0/24?');
    expect(errorOf('2001:DB8::1/32')).toBe('host bits set; did you mean 2001:db8::/32?');
    expect(errorOf('1.2.3.4/0')).toBe('host bits set; did you mean 0.0.0.0/0?');
  });

  it('prefix lengths out of range, missing, signed or not numbers', () => {
    expect(errorOf('1.2.3.4/33')).toBe('the prefix length 33 is out of range for IPv4 (0–32)');
    expect(errorOf('::/129')).toBe('the prefix length 129 is out of range for IPv6 (0–128)');
    expect(errorOf('1.2.3.4/')).toBe('the prefix length after "/" is missing');
    expect(errorOf('1.2.3.4/-1')).toBe("the prefix length must be a number: '-' at position 9");
    expect(errorOf('1.2.3.4/+8')).toContain("'+' at position 9");
    expect(errorOf('1.2.3.4/ 8')).toContain('a space at position 9');
    expect(errorOf('1.2.3.4/3x')).toContain("'x' at position 10");
    expect(errorOf('10.0.0.0/08')).toBe('the prefix length "08" has a leading zero; write 8');
    expect(errorOf('10.0.0.0/8/8')).toBe('more than one "/"');
  });

  it('leading zeros (octal-looking) and out-of-range octets', () => {
    expect(errorOf('01.2.3.4')).toBe('"01" has a leading zero, which some systems read as octal; write 1');
    expect(errorOf('10.010.0.0/16')).toContain('"010" has a leading zero');
    expect(errorOf('0300.0.0.1')).toBe('"0300" is out of range for an IPv4 address (0–255)');
    expect(errorOf('256.0.0.0')).toBe('"256" is out of range for an IPv4 address (0–255)');
    expect(errorOf('::ffff:1.2.3.04')).toBe(
      'embedded IPv4 address: "04" has a leading zero, which some systems read as octal; write 4',
    );
  });

  it('IPv4 shorthand, hex and wrong number of parts', () => {
    expect(errorOf('10.1')).toBe('an IPv4 address has 4 dot-separated numbers, got 2');
    expect(errorOf('1.2.3.4.5')).toBe('an IPv4 address has 4 dot-separated numbers, got 5');
    expect(errorOf('1..3.4')).toBe('number 2 of the IPv4 address is empty');
    expect(errorOf('0x0a.0.0.1')).toBe("'x' at position 2 is not allowed in an IPv4 address");
    expect(errorOf('167772161')).toContain('a bare number is not an IP address');
  });

  it('zone ids, brackets and IPv6 syntax errors', () => {
    expect(errorOf('fe80::1%eth0')).toContain('zone ids');
    expect(errorOf('fe80::1%25eth0/64')).toContain('zone ids');
    expect(errorOf('[2001:db8::1]')).toBe('remove the brackets: write 2001:db8::1, not [2001:db8::1]');
    expect(errorOf('1::2::3')).toBe('"::" may appear only once in an IPv6 address');
    expect(errorOf(':::')).toBe('":::" is not valid in an IPv6 address');
    expect(errorOf(':1::')).toBe('an IPv6 address cannot start with a single ":"');
    expect(errorOf('1::2:')).toBe('an IPv6 address cannot end with a single ":"');
    expect(errorOf('12345::')).toBe('group "12345" has more than 4 hex digits');
    expect(errorOf('1:2:3:4:5:6:7')).toBe(
      'an IPv6 address has 8 groups, got 7 (use "::" for a run of zero groups)',
    );
    expect(errorOf('1:2:3:4:5:6:7:8:9')).toContain('has 8 groups, got 9');
    expect(errorOf('1:2:3:4::5:6:7:8')).toBe(
      '"::" must stand for at least one zero group, but 8 groups are already written',
    );
    expect(errorOf('1.2.3.4::')).toBe('an embedded IPv4 address must come last in an IPv6 address');
    expect(errorOf('::1.2.3.4:1')).toBe('an embedded IPv4 address must come last in an IPv6 address');
    expect(errorOf('g::1')).toBe("'g' at position 1 is not allowed in an IPv6 address");
  });

  it('junk, empty and oversized input', () => {
    expect(errorOf('')).toBe('empty; enter an IPv4 or IPv6 address, optionally with a /prefix');
    expect(errorOf('   ')).toContain('empty');
    expect(errorOf('localhost')).toBe('not an IPv4 or IPv6 address');
    expect(errorOf('/24')).toBe('the address is missing');
    expect(errorOf('1.2.3.4 5')).toBe('a space at position 8 is not allowed in an IPv4 address');
    expect(errorOf('1.2.3.\u0000')).toBe('U+0000 at position 7 is not allowed in an IPv4 address');
    expect(errorOf('1.2.3.４')).toContain('U+FF14 at position 7');
    expect(errorOf('1'.repeat(100_000))).toBe('too long for an IP address (100000 characters)');
  });
});

describe('parseIp', () => {
  it('parses single addresses to canonical text and bytes', () => {
    expect(parseIp(' 2001:DB8:0:0:0:0:0:1 ')).toEqual({
      ok: true,
      value: {
        version: 6,
        bytes: new Uint8Array([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        text: '2001:db8::1',
      },
    });
    expect(parseIp('127.0.0.1')).toMatchObject({ ok: true, value: { version: 4, text: '127.0.0.1' } });
  });

  it('rejects prefixes and junk with INVALID_IP', () => {
    expect(parseIp('10.0.0.0/8')).toEqual({
      ok: false,
      error: { code: 'INVALID_IP', message: 'a single address has no "/prefix"' },
    });
    expect(parseIp('')).toMatchObject({ ok: false, error: { code: 'INVALID_IP' } });
    expect(parseIp('fe80::1%lo')).toMatchObject({ ok: false, error: { code: 'INVALID_IP' } });
  });

  it('formatIp and parseIp agree for every IPv4 address (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
        const text = Array.from(bytes).join('.');
        expect(formatIp(bytes)).toBe(text);
        expect(parseIp(text)).toEqual({ ok: true, value: { version: 4, bytes, text } });
      }),
    );
  });

  it('canonical IPv6 text matches the WHATWG/RFC 5952 serializer and round-trips (property)', () => {
    const sparse = fc
      .array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
        minLength: 8,
        maxLength: 8,
      })
      .map((groups) => new Uint8Array(groups.flatMap((group) => [group >> 8, group & 0xff])));
    fc.assert(
      fc.property(
        fc.oneof(sparse, fc.uint8Array({ minLength: 16, maxLength: 16 })),
        fc.boolean(),
        (bytes, upper) => {
          const text = formatIp(bytes);
          if (!isMapped(bytes)) {
            expect(text).toBe(whatwgIpv6(bytes));
          }
          // Any spelling of the same address (full, zero-padded, upper case) parses to the same canonical form.
          const full = Array.from({ length: 8 }, (_, index) =>
            (((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0)).toString(16).padStart(4, '0'),
          ).join(':');
          const parsed = parseIp(upper ? full.toUpperCase() : full);
          expect(parsed).toEqual({ ok: true, value: { version: 6, bytes, text } });
          expect(parseIp(text)).toEqual(parsed);
        },
      ),
    );
  });

  it('accepts exactly what node:net accepts, over address-like alphabets (property)', () => {
    fc.assert(
      fc.property(stringOver('0123456789.', 20), (text) => {
        expect(parseIp(text).ok).toBe(isIPv4(text));
      }),
      { numRuns: 3000 },
    );
    const group = fc.oneof(stringOver('0123456789abcdefABCDEF', 5), fc.constant(''), fc.constant('1.2.3.4'));
    const v6ish = fc
      .array(fc.tuple(group, fc.constantFrom(':', ':', '::', '.')), { minLength: 1, maxLength: 10 })
      .map((pairs) =>
        pairs
          .map(([value, separator]) => value + separator)
          .join('')
          .slice(0, -1),
      );
    fc.assert(
      fc.property(fc.oneof(v6ish, stringOver('0123456789abcdef:.', 40)), (text) => {
        if (text.includes(':')) {
          expect(parseIp(text).ok).toBe(isIPv6(text));
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('canonicalAcl', () => {
  it('canonicalises, de-duplicates (first occurrence wins) and keeps order', () => {
    expect(
      canonicalAcl(['10.0.0.0/8', '1.1.1.1', '2001:DB8::/32', '1.1.1.1/32', ' 10.0.0.0/8 ', '2001:db8::/32']),
    ).toEqual({
      ok: true,
      value: ['10.0.0.0/8', '1.1.1.1/32', '2001:db8::/32'],
    });
  });

  it('an empty list stays empty (any address)', () => {
    expect(canonicalAcl([])).toEqual({ ok: true, value: [] });
  });

  it('reports the first bad entry with its index and a 1-based label', () => {
    expect(canonicalAcl(['1.1.1.1', '10.0.0.0/8', '10.0.0.1/8', 'junk'])).toEqual({
      ok: false,
      error: {
        code: 'INVALID_CIDR',
        message: 'entry 3 "10.0.0.1/8": host bits set; did you mean 10.0.0.0/8?',
        index: 2,
      },
    });
  });

  it('does not echo long or unprintable entries', () => {
    const result = canonicalAcl(['x'.repeat(500)]);
    expect(result).toMatchObject({ ok: false, error: { index: 0 } });
    expect(result.ok ? '' : result.error.message).toBe(
      'entry 1: too long for an IP address (500 characters)',
    );
    const control = canonicalAcl(['1.1.1.1\u0007']);
    expect(control.ok ? '' : control.error.message).toBe(
      'entry 1: U+0007 at position 8 is not allowed in an IPv4 address',
    );
  });

  it('is idempotent: a canonical list is its own canonical form (property)', () => {
    const entry = fc.oneof(
      fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 })),
      fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 })),
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        // Build valid entries by masking the host bits away first.
        const list = entries.map(([bytes, prefix]) => {
          const masked = parseCidr(`${formatIp(bytes)}/${prefix}`);
          return masked.ok
            ? masked.value.text
            : (/did you mean (.*)\?$/.exec(masked.error.message)?.[1] ?? '');
        });
        const once = canonicalAcl(list);
        expect(once.ok).toBe(true);
        if (once.ok) {
          expect(new Set(once.value).size).toBe(once.value.length);
          expect(canonicalAcl(once.value)).toEqual(once);
        }
      }),
    );
  });
});

describe('aclAllows', () => {
  it('an empty ACL allows any address', () => {
    expect(aclAllows([], '203.0.113.9')).toBe(true);
    expect(aclAllows([], '2001:db8::1')).toBe(true);
  });

  it('matches IPv4 and IPv6 entries by prefix', () => {
    const acl = ['10.0.0.0/8', '192.168.1.7/32', '2001:db8::/32'];
    expect(aclAllows(acl, '10.255.0.1')).toBe(true);
    expect(aclAllows(acl, '11.0.0.1')).toBe(false);
    expect(aclAllows(acl, '192.168.1.7')).toBe(true);
    expect(aclAllows(acl, '192.168.1.8')).toBe(false);
    expect(aclAllows(acl, '2001:DB8:ffff::1')).toBe(true);
    expect(aclAllows(acl, '2001:db9::1')).toBe(false);
    expect(aclAllows(['0.0.0.0/0'], '8.8.8.8')).toBe(true);
    expect(aclAllows(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
    expect(aclAllows(['::/0'], '2001:db8::1')).toBe(true);
  });

  it('an IPv4-mapped IPv6 client address matches IPv4 entries, and the other way round', () => {
    expect(aclAllows(['1.2.3.0/24'], '::ffff:1.2.3.4')).toBe(true);
    expect(aclAllows(['1.2.3.0/24'], '::ffff:102:304')).toBe(true);
    expect(aclAllows(['1.2.3.0/24'], '::ffff:1.2.4.4')).toBe(false);
    expect(aclAllows(['::ffff:1.2.3.0/120'], '1.2.3.99')).toBe(true);
    expect(aclAllows(['::ffff:0:0/96'], '8.8.8.8')).toBe(true);
    // IPv4-compatible (deprecated) and NAT64 addresses are not mapped addresses.
    expect(aclAllows(['1.2.3.4/32'], '::1.2.3.4')).toBe(false);
    expect(aclAllows(['1.2.3.4/32'], '64:ff9b::1.2.3.4')).toBe(false);
  });

  it('fails closed: bad client addresses and bad entries never match', () => {
    expect(aclAllows(['10.0.0.0/8'], 'not an ip')).toBe(false);
    expect(aclAllows(['10.0.0.0/8'], '')).toBe(false);
    expect(aclAllows(['10.0.0.0/8'], '10.0.0.1/32')).toBe(false);
    expect(aclAllows(['garbage'], '10.0.0.1')).toBe(false);
    expect(aclAllows(['10.0.0.1/8'], '10.0.0.1')).toBe(false);
  });

  it('compileAcl gives the same answers, once compiled', () => {
    const allows = compileAcl(['10.0.0.0/8', '::1']);
    expect(['10.1.2.3', '::1', '::2', '9.9.9.9'].map(allows)).toEqual([true, true, false, false]);
  });

  it('agrees with a bit-string oracle for random blocks and addresses (property)', () => {
    const family = fc.oneof(fc.constant(4), fc.constant(16));
    const pair = family.chain((size) =>
      fc.tuple(
        fc.uint8Array({ minLength: size, maxLength: size }),
        fc.uint8Array({ minLength: size, maxLength: size }),
        fc.integer({ min: 0, max: size * 8 }),
      ),
    );
    fc.assert(
      fc.property(pair, fc.boolean(), ([base, other, prefix], near) => {
        const network = parseCidr(`${formatIp(base)}/${prefix}`);
        const entry = network.ok
          ? network.value.text
          : (/did you mean (.*)\?$/.exec(network.error.message)?.[1] ?? '');
        // Half the time, take an address that shares the network's first bits.
        const candidate = near ? base : other;
        const expected = bitsOf(base).slice(0, prefix) === bitsOf(candidate).slice(0, prefix);
        expect(aclAllows([entry], formatIp(candidate))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: never throws, always a typed result', () => {
  it('parseCidr, parseIp, canonicalAcl and aclAllows on arbitrary text', () => {
    fc.assert(
      fc.property(fuzzText('0123456789abcdefABCDEF:./%[] '), (text) => {
        const cidr = parseCidr(text);
        if (cidr.ok) {
          expect(parseCidr(cidr.value.text)).toEqual(cidr);
        } else {
          expect(cidr.error.code).toBe('INVALID_CIDR');
          expect(cidr.error.message.length).toBeGreaterThan(0);
        }
        const ip = parseIp(text);
        expect(ip.ok || ip.error.code === 'INVALID_IP').toBe(true);
        const acl = canonicalAcl([text]);
        expect(acl.ok || (acl.error.code === 'INVALID_CIDR' && acl.error.index === 0)).toBe(true);
        expect(typeof aclAllows([text], text)).toBe('boolean');
        expect(typeof aclAllows(['10.0.0.0/8'], text)).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
