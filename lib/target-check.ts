import dns from 'node:dns';
import net from 'node:net';
import { getConfig } from './config';
import { AppError } from './errors';
import { refusalFor, type TargetPolicy } from './target-policy';

export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) =>
  (await dns.promises.lookup(host, { all: true })).map((a) => a.address);

/**
 * Refuses, at add or edit time, a URL whose host is (or resolves only to) a refused address, with a message for
 * the `url` field. A name that does not resolve yet is allowed: it may be an internal name that resolves later,
 * and the checker applies the same policy to the address it actually connects to on every check.
 */
export async function assertTargetAllowed(
  url: string,
  policy: TargetPolicy = { blockPrivate: getConfig().blockPrivate },
  resolve: Resolve = systemResolve,
): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return;
    }
  }
  if (addresses.length === 0) return;
  const reasons = addresses.map((a) => refusalFor(a, policy));
  if (reasons.every((r) => r !== null)) {
    const why = reasons[0]!;
    const message = net.isIP(host) ? `points at ${why}, which Upbeat does not check` : `resolves to ${why} (${addresses[0]}), which Upbeat does not check`;
    throw new AppError('validation', `Invalid site: url ${message}`, { url: message });
  }
}
