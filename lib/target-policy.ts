import net from 'node:net';

/**
 * Which addresses the checker may connect to. Applied to the address actually dialled (at connect time, on
 * every redirect hop), so a name that later resolves somewhere else cannot slip past a check made when the site
 * was added.
 *
 * Always refused: link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254), which
 * hold instance credentials on every major cloud. Private and loopback ranges are allowed by default, since a
 * self-hosted monitor checks internal hosts; `UPBEAT_BLOCK_PRIVATE=true` refuses them too.
 */

interface Range {
  net: net.BlockList;
  why: string;
}

function ranges(entries: [string, number, 'ipv4' | 'ipv6'][], why: string): Range {
  const list = new net.BlockList();
  for (const [addr, prefix, family] of entries) list.addSubnet(addr, prefix, family);
  return { net: list, why };
}

const ALWAYS: Range[] = [
  ranges([['169.254.0.0', 16, 'ipv4']], 'a link-local or cloud metadata address'),
  ranges(
    [
      ['fe80::', 10, 'ipv6'],
      ['fd00:ec2::254', 128, 'ipv6'],
    ],
    'a link-local or cloud metadata address',
  ),
  ranges([['0.0.0.0', 8, 'ipv4']], 'an unspecified address'),
  ranges([['::', 128, 'ipv6']], 'an unspecified address'),
];

const PRIVATE: Range[] = [
  ranges([['127.0.0.0', 8, 'ipv4']], 'a loopback address'),
  ranges([['::1', 128, 'ipv6']], 'a loopback address'),
  ranges(
    [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'],
      ['fc00::', 7, 'ipv6'],
    ],
    'a private address',
  ),
];

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function normalise(ip: string): { ip: string; family: 'ipv4' | 'ipv6' } | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return { ip: mapped[1]!, family: 'ipv4' };
  const v = net.isIP(ip);
  if (v === 4) return { ip, family: 'ipv4' };
  if (v === 6) return { ip: ip.replace(/^\[|\]$/g, ''), family: 'ipv6' };
  return null;
}

export interface TargetPolicy {
  blockPrivate: boolean;
}

/** Null when the address may be dialled, otherwise why not (a sentence fragment: "a loopback address"). */
export function refusalFor(ip: string, policy: TargetPolicy): string | null {
  const n = normalise(ip);
  if (!n) return 'not an IP address';
  for (const r of ALWAYS) if (r.net.check(n.ip, n.family)) return r.why;
  if (policy.blockPrivate) for (const r of PRIVATE) if (r.net.check(n.ip, n.family)) return r.why;
  return null;
}

/** The probe's connect-time hook for a policy: `allowAddress(ip)` → null or the reason. */
export function addressPolicy(policy: TargetPolicy): (ip: string) => string | null {
  return (ip) => {
    const why = refusalFor(ip, policy);
    return why === null ? null : `${ip} is ${why}, which Upbeat does not check`;
  };
}
