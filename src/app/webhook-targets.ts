import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses; the system resolver by default, a fake one in tests. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * Addresses a webhook may not reach (R-SEC-2): this host, the private networks and what is next to them.
 * Node's BlockList matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1) against the IPv4 ranges too.
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking networks
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified (::), loopback (::1) and the IPv4-compatible addresses
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some networks)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** NAT64's well-known prefix: the address carries an IPv4 address in its last 32 bits, judged as that one. */
const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/** Whether an IP address is loopback, private, link-local, multicast, unspecified or otherwise not public. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (NAT64.check(address, 'ipv6')) {
    const [, , , , , , high = 0, low = 0] = ipaddr.IPv6.parse(address).parts;
    return isNonPublicAddress([high >> 8, high & 255, low >> 8, low & 255].join('.'));
  }
  return NON_PUBLIC.check(address, 'ipv6');
}

/** Why a target was refused; each has its message (`webhook.<reason>`). */
export type TargetRefusal = 'httpsOnly' | 'unresolvable' | 'nonPublicTarget';

export class TargetRefused extends Error {
  constructor(readonly reason: TargetRefusal) {
    super(reason);
    this.name = 'TargetRefused';
  }
}

/**
 * Where webhooks may go (R-SEC-2): `https` URLs whose host resolves only to public addresses. Checked at
 * registration and again before every delivery, which then connects to the address checked here, never to a
 * second resolution of the name (DNS rebinding). `allowPrivate` (SEATWISE_WEBHOOK_ALLOW_PRIVATE) lifts both
 * for a receiver on the same machine while testing.
 */
export class WebhookTargets {
  readonly allowPrivate: boolean;
  readonly #resolve: ResolveHost;

  constructor(options: { allowPrivate: boolean; resolve?: ResolveHost }) {
    this.allowPrivate = options.allowPrivate;
    this.#resolve = options.resolve ?? systemResolve;
  }

  /** The address to send to, or a TargetRefused saying why there is none. */
  async check(url: URL): Promise<ResolvedAddress> {
    if (url.protocol !== 'https:' && !(this.allowPrivate && url.protocol === 'http:')) {
      throw new TargetRefused('httpsOnly');
    }
    // The WHATWG parser has already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    if (literal !== 0) {
      addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    } else {
      try {
        addresses = await this.#resolve(host);
      } catch {
        addresses = [];
      }
    }
    const first = addresses[0];
    if (!first) throw new TargetRefused('unresolvable');
    // Every address must be public: which one a connection would use is not ours to choose.
    if (!this.allowPrivate && addresses.some((a) => isNonPublicAddress(a.address))) {
      throw new TargetRefused('nonPublicTarget');
    }
    return first;
  }
}
