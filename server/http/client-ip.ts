import { compileAcl, parseIp } from '../../shared/net/cidr.ts';

/** Canonical text of an address (`::ffff:1.2.3.4` → `1.2.3.4`), or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const trimmed = text.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  const parsed = parseIp(mapped?.[1] ?? trimmed);
  return parsed.ok ? parsed.value.text : null;
}

/**
 * Finds a request's client IP. It is the socket's peer, unless that peer is a trusted proxy
 * (`--trusted-proxy CIDR`): then the right-most `X-Forwarded-For` entry that is not itself a trusted
 * proxy (entries further left can be forged by the client), else `X-Real-IP`. Headers from any
 * other peer are ignored. A header that does not parse is ignored too.
 *
 * The socket's peer is parsed once per address (a bounded cache): a gateway's keep-alive
 * connections send every verification from the same few addresses.
 */
export function clientIpResolver(
  trustedProxies: readonly string[],
): (socketIp: string | undefined, forwardedFor: unknown, realIp: unknown) => string {
  const trusted = trustedProxies.length === 0 ? () => false : compileAcl(trustedProxies);
  const peers = new Map<string, { peer: string; trusted: boolean }>();
  const peerOf = (socketIp: string): { peer: string; trusted: boolean } => {
    let known = peers.get(socketIp);
    if (known === undefined) {
      const peer = canonicalIp(socketIp) ?? '0.0.0.0';
      known = { peer, trusted: trusted(peer) };
      if (peers.size >= 4096) {
        peers.clear();
      }
      peers.set(socketIp, known);
    }
    return known;
  };
  return (socketIp, forwardedFor, realIp) => {
    const { peer, trusted: fromProxy } = peerOf(socketIp ?? '');
    if (!fromProxy) {
      return peer;
    }
    if (typeof forwardedFor === 'string' && forwardedFor.length <= 4096) {
      const hops = forwardedFor.split(',');
      for (let index = hops.length - 1; index >= 0; index -= 1) {
        const hop = canonicalIp(hops[index] as string);
        if (hop === null) {
          break;
        }
        if (!trusted(hop) || index === 0) {
          return hop;
        }
      }
    }
    if (typeof realIp === 'string') {
      const real = canonicalIp(realIp);
      if (real !== null) {
        return real;
      }
    }
    return peer;
  };
}
