import dns from 'node:dns';
import net from 'node:net';
import { getConfig } from './config';
import { AppError } from './errors';
import { refusalFor, type TargetPolicy } from './target-policy';

/**
 * The target policy (lib/target-policy.ts) applied to what a user saves and to sockets Upbeat opens. Every new
 * outbound target uses these: a URL field → `assertTargetAllowed`; a host field (SMTP host, TCP or DNS check
 * target) → `assertHostAllowed`; a socket of its own (`net.connect`, `tls.connect`, a client that takes a
 * `lookup`) → `guardedLookup`, which applies the policy to the address actually dialled.
 */

export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) =>
  (await dns.promises.lookup(host, { all: true })).map((a) => a.address);

/** The policy this process runs with (`UPBEAT_BLOCK_PRIVATE`). */
export function currentTargetPolicy(): TargetPolicy {
  return { blockPrivate: getConfig().blockPrivate };
}

/**
 * Refuses, at save time, a host that is (or resolves only to) a refused address, with a message for `field`. A
 * name that does not resolve yet is allowed: it may be an internal name that resolves later, and the policy is
 * applied again to the address actually connected to on every use.
 */
export async function assertHostAllowed(
  host: string,
  field: string,
  policy: TargetPolicy = currentTargetPolicy(),
  resolve: Resolve = systemResolve,
): Promise<void> {
  const bare = host.replace(/^\[|\]$/g, '');
  const isLiteral = net.isIP(bare) !== 0;
  let addresses: string[];
  if (isLiteral) addresses = [bare];
  else {
    try {
      addresses = await resolve(bare);
    } catch {
      return;
    }
  }
  if (addresses.length === 0) return;
  const reasons = addresses.map((a) => refusalFor(a, policy));
  if (reasons.every((r) => r !== null)) {
    const why = reasons[0]!;
    const message = isLiteral
      ? `points at ${why}, which Upbeat does not connect to`
      : `resolves to ${why} (${addresses[0]}), which Upbeat does not connect to`;
    throw new AppError('validation', `Invalid ${field}: ${message}`, { [field]: message });
  }
}

/** `assertHostAllowed` for a URL's host, with the message on `field` (default `url`). */
export async function assertTargetAllowed(
  url: string,
  policy: TargetPolicy = currentTargetPolicy(),
  resolve: Resolve = systemResolve,
  field = 'url',
): Promise<void> {
  await assertHostAllowed(new URL(url).hostname, field, policy, resolve);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** Code of a connection refused by the target policy. */
export const TARGET_REFUSED = 'UPBEAT_ADDRESS_REFUSED';

/**
 * A `lookup` for `net.connect` / `tls.connect` (and clients that pass one through) that resolves as usual, then
 * drops refused addresses; when none is left the connect fails with code `UPBEAT_ADDRESS_REFUSED` and a message
 * naming the address. IP literals never reach a lookup, so check those with `refusalFor` before connecting.
 */
export function guardedLookup(policy: TargetPolicy = currentTargetPolicy(), lookup: typeof dns.lookup = dns.lookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, found) => {
      if (err) return callback(err, []);
      const list = found as dns.LookupAddress[];
      const allowed = list.filter((a) => refusalFor(a.address, policy) === null);
      if (allowed.length === 0) {
        const first = list[0];
        const why = first ? `${first.address} is ${refusalFor(first.address, policy)}` : 'no address';
        const refused: NodeJS.ErrnoException = new Error(`${hostname}: ${why}, which Upbeat does not connect to`);
        refused.code = TARGET_REFUSED;
        return callback(refused, []);
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
