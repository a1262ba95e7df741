/**
 * The syntax of the non-HTTP targets — `tcp://host:port`, `tls://host:port`, a DNS server `ip[:port]` — in plain
 * code without Node modules, so the site form in the browser and the probes on the server parse them alike.
 */

/** Host and port of a `tcp://` or `tls://` URL, or the reason it is not one. */
export function parseTcpUrl(text: string): { protocol: 'tcp:' | 'tls:'; host: string; port: number } | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a valid URL: ${text.slice(0, 100)}`;
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'tls:') return `not a tcp:// or tls:// URL: ${text.slice(0, 100)}`;
  const port = Number(url.port);
  if (url.port === '' || !Number.isInteger(port) || port < 1 || port > 65535) return 'needs a port (tcp://host:port)';
  const h = url.hostname;
  if (h === '') return 'needs a host (tcp://host:port)';
  return { protocol: url.protocol, host: h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h, port };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for an IP literal, 0 otherwise (as `net.isIP`). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(':')) return 0;
  try {
    return new URL(`http://[${text}]/`).hostname !== '' ? 6 : 0;
  } catch {
    return 0;
  }
}

/** Address and port of a DNS server given as `ip`, `ip:port` or `[ipv6]:port`, or the reason it is not one. */
export function parseDnsServer(text: string): { address: string; port: number } | string {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  let address: string;
  let portText: string | undefined;
  if (bracketed) [, address = '', portText] = bracketed;
  else if (ipFamily(text) === 6) address = text;
  else if (plain) [, address = '', portText] = plain;
  else return 'must be an IP address, optionally with :port';
  if (ipFamily(address) === 0) return 'must be an IP address, optionally with :port';
  const port = portText === undefined ? 53 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'has a port outside 1-65535';
  return { address, port };
}

/** Null when `pattern` compiles with `flags`, else the reason (validation when a site is saved). */
export function regexProblem(pattern: string, flags: string): string | null {
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
