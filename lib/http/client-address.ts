import { AddressSet, isLoopback, parseIp } from './ip';

/**
 * Who is on the other end of a request: the one answer that rate limits, logs, secure-cookie decisions and origin
 * checks all use. Forwarded headers (`X-Forwarded-For`, `-Proto`, `-Host`, `X-Real-IP`) are believed only from a
 * trusted proxy (UPBEAT_TRUST_PROXY); otherwise the socket's own address is the client, whatever the headers say.
 */

/** UPBEAT_TRUST_PROXY, parsed: nobody (default), N proxy hops in front, or a list of proxy addresses/ranges. */
export type TrustProxy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'list'; entries: readonly string[]; set: AddressSet };

/** Parses UPBEAT_TRUST_PROXY; throws with a message naming the bad part. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = (raw ?? '').trim();
  if (v === '' || /^(off|false|no|0)$/i.test(v)) return { kind: 'none' };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 20) throw new Error('a hop count must be 0-20');
    return { kind: 'hops', hops };
  }
  const entries = v.split(',').map((e) => e.trim()).filter((e) => e !== '');
  return { kind: 'list', entries, set: new AddressSet(entries) };
}

/** What the server knows for certain about a request: the socket's peer and whether the socket was TLS. */
export interface Peer {
  /** Canonical peer address; undefined when the server could not tell (see lib/http/peer.ts). */
  address: string | undefined;
  tls: boolean;
  /**
   * Whether the request itself carried `X-Forwarded-For`. Next.js fills the header in with the socket's address
   * when it is missing, so the header alone cannot tell a proxy's word from the server's own.
   */
  sentForwardedFor: boolean;
}

export interface Client {
  /** The client's canonical address, or `unknown` when neither the socket nor a trusted proxy tells it. */
  address: string;
  /** True when the request reached the client's side over https (the socket, or a trusted proxy's word). */
  https: boolean;
  /** The host the client asked for (`Host`, or a trusted proxy's `X-Forwarded-Host`), for origin checks. */
  host: string | null;
  /** True when the forwarded headers were believed. */
  viaProxy: boolean;
  /**
   * True when the client is on this machine: a loopback address, and not an untrusted proxy on this machine
   * relaying someone else (a request with forwarding headers from loopback is never local).
   */
  isLocal: boolean;
}

export const UNKNOWN_ADDRESS = 'unknown';

interface HeaderSource {
  get(name: string): string | null;
}

const firstValue = (v: string | null) => v?.split(',')[0]?.trim() || null;

/**
 * Resolves the client of a request. Walks `X-Forwarded-For` from the right, starting at the socket's peer, for as
 * long as each hop is a trusted proxy; the first untrusted hop is the client (as Express's `trust proxy` does).
 * An entry that is not an address stops the walk at the last good hop: garbage is never logged or keyed on.
 */
export function resolveClient(peer: Peer, headers: HeaderSource, trust: TrustProxy): Client {
  const relayed = peer.sentForwardedFor || headers.get('x-real-ip') !== null || headers.get('forwarded') !== null;
  const direct: Client = {
    address: peer.address ?? UNKNOWN_ADDRESS,
    https: peer.tls,
    host: headers.get('host'),
    viaProxy: false,
    isLocal: peer.address !== undefined && isLoopback(peer.address) && !relayed,
  };
  if (trust.kind === 'none' || peer.address === undefined) return direct;
  const isTrusted = (address: string, hop: number) =>
    trust.kind === 'hops' ? hop < trust.hops : trust.set.has(address);
  if (!isTrusted(peer.address, 0)) return direct;

  const forwarded = (peer.sentForwardedFor ? (headers.get('x-forwarded-for') ?? '') : '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .reverse();
  if (forwarded.length === 0) {
    const real = parseIp(headers.get('x-real-ip'));
    if (real) forwarded.push(real);
  }
  let client = peer.address;
  for (let i = 0; i < forwarded.length; i++) {
    const hop = parseIp(forwarded[i]);
    if (!hop) break;
    client = hop;
    if (!isTrusted(hop, i + 1)) break;
  }
  const proto = firstValue(headers.get('x-forwarded-proto'))?.toLowerCase();
  return {
    address: client,
    https: proto ? proto === 'https' : peer.tls,
    host: firstValue(headers.get('x-forwarded-host')) ?? headers.get('host'),
    viaProxy: true,
    isLocal: isLoopback(client),
  };
}
