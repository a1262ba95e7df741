import { getConfig } from '../config';
import { resolveClient, type Client } from './client-address';
import { peerOf } from './peer';

const cache = new WeakMap<Request, Client>();

/** The client of this request (see lib/http/client-address.ts), resolved once per request. */
export function clientOf(req: Request): Client {
  let client = cache.get(req);
  if (!client) {
    client = resolveClient(peerOf(req.headers), req.headers, getConfig().trustProxy);
    cache.set(req, client);
  }
  return client;
}
