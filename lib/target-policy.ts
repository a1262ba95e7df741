import net from 'node:net';

/**
 * Which addresses Upbeat may connect to on a user's behalf. THE one policy for every outbound target: site
 * checks (HTTP, TCP, DNS), notification channel URLs, SMTP hosts. Judge the address actually dialled — after
 * resolution, on every redirect hop — so a name cannot pass when saved and resolve elsewhere when used:
 *
 * - a resolved address → `refusalFor(ip, policy)` (null = allowed) or `addressPolicy(policy)` as a hook;
 * - a URL or host name being saved → `assertTargetAllowed` / `assertHostAllowed` in lib/target-check.ts;
 * - a socket opened by `net.connect` / `tls.connect` → `guardedLookup` in lib/target-check.ts.
 *
 * Always refused: link-local, site-local and cloud metadata addresses (they hand out instance credentials),
 * unspecified, multicast, broadcast, documentation and reserved ranges. Private and loopback ranges are allowed by
 * default, since a self-hosted monitor checks internal hosts; `UPBEAT_BLOCK_PRIVATE=true` refuses them too. An
 * IPv6 address that carries an IPv4 address (IPv4-mapped, IPv4-compatible, SIIT, NAT64, 6to4, Teredo) is refused
 * when the IPv4 address it carries would be, since the network translates it to that address.
 */

export interface TargetPolicy {
  /** Refuse private and loopback ranges too (`UPBEAT_BLOCK_PRIVATE`). */
  blockPrivate: boolean;
}

type Family = 'ipv4' | 'ipv6';

interface Range {
  list: net.BlockList;
  why: string;
}

function range(why: string, entries: Array<[string, number, Family]>): Range {
  const list = new net.BlockList();
  for (const [addr, prefix, family] of entries) list.addSubnet(addr, prefix, family);
  return { list, why };
}

const METADATA = 'a link-local or cloud metadata address';

const ALWAYS: Range[] = [
  range(METADATA, [
    ['169.254.0.0', 16, 'ipv4'], // link-local; AWS, GCP, Azure, OpenStack metadata at 169.254.169.254
    ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata (inside the carrier-grade NAT range)
    ['168.63.129.16', 32, 'ipv4'], // Azure host endpoint (wire server)
    ['192.0.0.192', 32, 'ipv4'], // Oracle Cloud metadata
    ['fe80::', 10, 'ipv6'], // link-local
    ['fec0::', 10, 'ipv6'], // site-local (deprecated, still routed by some stacks)
    ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
    ['fd20:ce::254', 128, 'ipv6'], // Google Cloud metadata over IPv6
  ]),
  range('an unspecified address', [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ]),
  range('a multicast address', [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ]),
  range('a broadcast or reserved address', [
    ['240.0.0.0', 4, 'ipv4'], // class E and 255.255.255.255
    ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
    ['192.0.2.0', 24, 'ipv4'], // documentation
    ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'],
    ['2001:db8::', 32, 'ipv6'], // documentation
    ['100::', 64, 'ipv6'], // discard-only
  ]),
];

const PRIVATE: Range[] = [
  range('a loopback address', [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ]),
  range('a private address', [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
    ['198.18.0.0', 15, 'ipv4'], // benchmarking; also the fake-IP range of some local DNS proxies
    ['fc00::', 7, 'ipv6'], // unique local
  ]),
];

/** Parses an IPv6 text form (any notation Node accepts, optional brackets and zone) into eight 16-bit groups. */
export function ipv6Groups(text: string): number[] | null {
  const ip = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv6(ip) === false) return null;
  let head = ip;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) {
    const b = dotted[1]!.split('.').map(Number);
    tail.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
    head = ip.slice(0, -dotted[1]!.length);
    // `::1.2.3.4` leaves `::`, `::ffff:1.2.3.4` leaves `::ffff:`: drop the separator before the dotted part.
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const hex = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const gap = head.indexOf('::');
  let groups: number[];
  if (gap === -1) groups = [...hex(head), ...tail];
  else {
    const left = hex(head.slice(0, gap));
    const right = [...hex(head.slice(gap + 2)), ...tail];
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function ipv4Of(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * The IPv4 address after a NAT64 prefix of `prefixBits` (48, 56 or 64), which skips bits 64-71 (RFC 6052's
 * reserved "u" octet); the /96 form is the last 32 bits.
 */
function rfc6052(groups: number[], prefixBits: 48 | 56 | 64): string {
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]).filter((_b, i) => i !== 8);
  const start = prefixBits / 8;
  return bytes.slice(start, start + 4).join('.');
}

/**
 * The IPv4 addresses an IPv6 address carries and that a network would translate it to. The local-use NAT64
 * prefix (64:ff9b:1::/48) may be deployed at any RFC 6052 length, so every position is judged.
 */
export function embeddedIpv4(groups: number[]): string[] {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  const found: string[] = [];
  // IPv4-mapped ::ffff:0:0/96 and SIIT ::ffff:0:0:0/96.
  if (zeroTo(5) && g5 === 0xffff) found.push(ipv4Of(g6, g7));
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) found.push(ipv4Of(g6, g7));
  // IPv4-compatible ::a.b.c.d, except :: and ::1, which are IPv6's own unspecified and loopback addresses.
  if (zeroTo(6) && (g6 !== 0 || g7 > 1)) found.push(ipv4Of(g6, g7));
  // Well-known NAT64 prefix 64:ff9b::/96.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) found.push(ipv4Of(g6, g7));
  // Local-use NAT64 64:ff9b:1::/48, at each prefix length RFC 6052 allows.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) {
    for (const bits of [48, 56, 64] as const) found.push(rfc6052(groups, bits));
    found.push(ipv4Of(g6, g7));
  }
  // 6to4 2002:AABB:CCDD::/48.
  if (g0 === 0x2002) found.push(ipv4Of(g1, g2));
  // Teredo 2001:0::/32: the server's address in clear, the client's inverted.
  if (g0 === 0x2001 && g1 === 0) found.push(ipv4Of(g2, g3), ipv4Of(g6 ^ 0xffff, g7 ^ 0xffff));
  return found;
}

function judge(ip: string, family: Family, policy: TargetPolicy): string | null {
  for (const r of ALWAYS) if (r.list.check(ip, family)) return r.why;
  if (policy.blockPrivate) for (const r of PRIVATE) if (r.list.check(ip, family)) return r.why;
  return null;
}

/**
 * Null when the address may be dialled, otherwise why not, as a sentence fragment ("a loopback address"). Takes
 * any IPv4 or IPv6 text form (brackets and zone ids allowed); anything else is refused.
 */
export function refusalFor(ip: string, policy: TargetPolicy): string | null {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(bare)) return judge(bare, 'ipv4', policy);
  const groups = ipv6Groups(bare);
  if (!groups) return 'not an IP address';
  const canonical = groups.map((g) => g.toString(16)).join(':');
  const own = judge(canonical, 'ipv6', policy);
  if (own !== null) return own;
  for (const v4 of embeddedIpv4(groups)) {
    const why = judge(v4, 'ipv4', policy);
    if (why !== null) return `${why} (${v4}) inside an IPv6 address`;
  }
  return null;
}

/** A connect-time hook for one policy: `(ip) => null` to allow, or the reason for the error message. */
export type AddressCheck = (ip: string) => string | null;

/** The connect-time hook the checker and other outbound clients take: null, or a message naming the address. */
export function addressPolicy(policy: TargetPolicy): AddressCheck {
  return (ip) => {
    const why = refusalFor(ip, policy);
    return why === null ? null : `${ip} is ${why}, which Upbeat does not connect to`;
  };
}
