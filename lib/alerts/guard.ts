import dns from 'node:dns';
import net from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { getConfig } from '../config';
import { ADDRESS_REFUSED, ConnectError, openConnection, PhaseClock, type LookupFn } from '../monitor/connector';
import { refusalFor, type TargetPolicy } from '../target-policy';

/**
 * Notifications leave through the same gate as checks: the address actually dialled — after resolution, on
 * every new connection — is vetted against the target policy, so a service URL (or SMTP host) that resolves to
 * a cloud metadata address is refused at connect time even when it looked harmless when it was saved.
 */

export interface TargetGuardOptions {
  policy: TargetPolicy;
  /** Resolver, `dns.promises.lookup`-compatible (tests fake names with it). Default: the system's. */
  lookup?: LookupFn;
  /** Extra trusted CA certificates (PEM) in place of Node's roots, e.g. a self-hosted server's private CA. */
  ca?: string | readonly string[];
  /** Bound on resolving, connecting and the TLS handshake of one connection. Default 10 s. */
  connectTimeoutMs?: number;
}

export interface TargetGuard {
  /** An undici dispatcher whose every connection goes through the connector the probe uses, policy applied. */
  dispatcher: Dispatcher;
  /** Resolves a host to the first address the policy allows; rejects with `UPBEAT_ADDRESS_REFUSED` if none. */
  resolveTarget: (host: string) => Promise<string>;
  ca?: string | readonly string[];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const systemLookup: LookupFn = (hostname, opts) => dns.promises.lookup(hostname, opts);

/** Why an address is refused, for the channel's error text. */
function refusalMessage(ip: string, why: string): string {
  return `${ip} is ${why}; Upbeat does not send notifications there`;
}

export function createTargetGuard(options: TargetGuardOptions): TargetGuard {
  const lookup = options.lookup ?? systemLookup;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const allowAddress = (ip: string) => {
    const why = refusalFor(ip, options.policy);
    return why === null ? null : refusalMessage(ip, why);
  };

  const dispatcher = new Agent({
    connect: (opts, callback) => {
      const protocol = opts.protocol === 'https:' ? 'https:' : 'http:';
      const host = opts.hostname.replace(/^\[|\]$/g, '');
      const port = opts.port !== '' ? Number(opts.port) : protocol === 'https:' ? 443 : 80;
      openConnection({
        protocol,
        host,
        port,
        lookup,
        allowAddress,
        ca: options.ca,
        clock: new PhaseClock(),
        signal: AbortSignal.timeout(connectTimeoutMs),
        seen: { remoteAddress: null, tls: null },
      }).then(
        (socket) => callback(null, socket),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
      );
    },
  });

  const resolveTarget = async (hostname: string): Promise<string> => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const family = net.isIP(host);
    const found = family !== 0 ? [{ address: host, family }] : await lookup(host, { all: true });
    let refusal: string | null = null;
    for (const { address } of found) {
      const why = allowAddress(address);
      if (why === null) return address;
      refusal ??= why;
    }
    if (refusal === null) throw new ConnectError('ENOTFOUND', `no addresses for ${host}`);
    throw new ConnectError(ADDRESS_REFUSED, refusal);
  };

  return { dispatcher, resolveTarget, ca: options.ca };
}

let shared: TargetGuard | null = null;

/** The guard for the configured policy (`UPBEAT_BLOCK_PRIVATE`), made once and shared by every send. */
export function defaultTargetGuard(): TargetGuard {
  shared ??= createTargetGuard({ policy: { blockPrivate: getConfig().blockPrivate } });
  return shared;
}
