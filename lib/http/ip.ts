import net from 'node:net';

/**
 * IP address parsing for client addresses: one canonical text per address (IPv4-mapped IPv6 read as IPv4, IPv6
 * compressed and lower-case, no zone), so the same client is always the same key in a limiter and the same line
 * in a log.
 */

/** The canonical form of an IP address, or undefined when `raw` is not one (a name, garbage, a port). */
export function parseIp(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  let s = raw.trim();
  // "[::1]" and "[::1]:443" as some proxies write them; "1.2.3.4:5678" likewise.
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const kind = net.isIP(s);
  if (kind === 4) return s.split('.').map((o) => String(Number(o))).join('.');
  if (kind !== 6) return undefined;
  const canonical = new URL(`http://[${s}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return canonical;
}

export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}

/**
 * The key a client address is limited under: an IPv4 address as is, an IPv6 address by its /64, because one
 * subscriber usually holds a whole /64 and could otherwise rotate through 2^64 fresh addresses.
 */
export function rateKey(address: string): string {
  if (net.isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** A set of addresses and CIDR ranges, e.g. from UPBEAT_TRUST_PROXY. Throws on an entry that is neither. */
export class AddressSet {
  private readonly list = new net.BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, bits, extra] = entry.trim().split('/');
      const ip = parseIp(addr);
      if (!ip || extra !== undefined) throw new Error(`"${entry}" is not an address or CIDR range`);
      const type = net.isIP(ip) === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) {
        this.list.addAddress(ip, type);
        continue;
      }
      const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      if (!(prefix >= 0 && prefix <= (type === 'ipv4' ? 32 : 128))) {
        throw new Error(`"${entry}" has a prefix length outside 0-${type === 'ipv4' ? 32 : 128}`);
      }
      this.list.addSubnet(ip, prefix, type);
    }
  }

  has(address: string): boolean {
    return this.list.check(address, net.isIP(address) === 4 ? 'ipv4' : 'ipv6');
  }
}
