import type { ErrorKind } from '../../db/domain';

/**
 * Why a check failed, decided from the `code` that Node, OpenSSL and undici put on their errors — never from
 * message text, which changes between versions and locales. The tables are data so that a new code is one line
 * and a reviewer can read the whole policy at a glance.
 */

/** Exact codes. OpenSSL's certificate verdicts arrive as bare codes (`CERT_HAS_EXPIRED`), hence the long tls list. */
export const KIND_BY_CODE: Readonly<Record<string, ErrorKind>> = {
  // getaddrinfo (dns.lookup) and c-ares (dns.resolve*)
  ENOTFOUND: 'dns',
  ENODATA: 'dns',
  ESERVFAIL: 'dns',
  EREFUSED: 'dns',
  EFORMERR: 'dns',
  EBADNAME: 'dns',
  EBADRESP: 'dns',
  ENONAME: 'dns',
  // c-ares' own resolver timeout: the name never resolved, which is what the user needs to hear.
  ETIMEOUT: 'dns',

  ECONNREFUSED: 'refused',

  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  ERR_STREAM_PREMATURE_CLOSE: 'reset',
  // undici's "other side closed" / "closed" socket errors: the peer hung up on us.
  UND_ERR_SOCKET: 'reset',

  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',

  // Node reports some OpenSSL failures as the errno EPROTO; in an HTTP client only TLS produces it.
  EPROTO: 'tls',
  UND_ERR_PRX_TLS: 'tls',
  UNABLE_TO_GET_ISSUER_CERT: 'tls',
  UNABLE_TO_GET_CRL: 'tls',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'tls',
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 'tls',
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'tls',
  CERT_SIGNATURE_FAILURE: 'tls',
  CRL_SIGNATURE_FAILURE: 'tls',
  CERT_NOT_YET_VALID: 'tls',
  CERT_HAS_EXPIRED: 'tls',
  CRL_NOT_YET_VALID: 'tls',
  CRL_HAS_EXPIRED: 'tls',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'tls',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'tls',
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 'tls',
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  CERT_CHAIN_TOO_LONG: 'tls',
  CERT_REVOKED: 'tls',
  INVALID_CA: 'tls',
  PATH_LENGTH_EXCEEDED: 'tls',
  INVALID_PURPOSE: 'tls',
  CERT_UNTRUSTED: 'tls',
  CERT_REJECTED: 'tls',
  HOSTNAME_MISMATCH: 'tls',

  // The server answered, but not in HTTP/1.1 we can read.
  UND_ERR_INFO: 'protocol',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_HEADERS_OVERFLOW: 'protocol',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'protocol',
  ERR_INVALID_HTTP_RESPONSE: 'protocol',
};

/** Families of codes, tried when no exact code matches. */
export const KIND_BY_CODE_PREFIX: ReadonlyArray<readonly [prefix: string, kind: ErrorKind]> = [
  ['EAI_', 'dns'], // EAI_AGAIN, EAI_FAIL, EAI_NODATA, EAI_NONAME, EAI_ADDRFAMILY …
  ['ERR_TLS_', 'tls'], // ERR_TLS_CERT_ALTNAME_INVALID, ERR_TLS_HANDSHAKE_TIMEOUT …
  ['ERR_SSL_', 'tls'], // ERR_SSL_WRONG_VERSION_NUMBER, ERR_SSL_TLSV1_ALERT_… (OpenSSL reasons)
  ['ERR_OSSL_', 'tls'],
  ['HPE_', 'protocol'], // llhttp parse errors as undici reports them
];

/**
 * For errors that carry no code at all. undici 7's parse errors are meant to carry `HPE_*` codes but reach us with
 * `code` undefined (it looks the llhttp error number up in a name→number table), so their class name — stable,
 * unlike their message — is the identifier left.
 */
export const KIND_BY_ERROR_NAME: Readonly<Record<string, ErrorKind>> = {
  HTTPParserError: 'protocol',
};

/** The kind one code stands for, or null when the tables do not know it. */
export function kindOfCode(code: string): ErrorKind | null {
  const exact = KIND_BY_CODE[code];
  if (exact !== undefined) return exact;
  for (const [prefix, kind] of KIND_BY_CODE_PREFIX) if (code.startsWith(prefix)) return kind;
  return null;
}

export interface Classification {
  kind: ErrorKind;
  /** The code the kind was decided from, or the outermost code seen when none is known; null when none. */
  code: string | null;
}

/** Guards against self-referencing cause chains and absurdly deep wrapping. */
const MAX_CHAIN = 16;

/**
 * Classifies a failure by walking `err`, its `cause` chain and the `errors` of an AggregateError, outermost
 * first. The innermost error whose code the tables know wins: wrappers (undici's socket error around an
 * ECONNRESET, a `fetch failed` TypeError) are more generic than what they wrap. Unknown codes → `unknown`.
 */
export function classifyError(err: unknown): Classification {
  let found: Classification | null = null;
  let firstCode: string | null = null;
  for (const e of chainOf(err)) {
    const code = codeOf(e);
    firstCode ??= code;
    const kind = code !== null ? kindOfCode(code) : kindOfName(e);
    if (kind !== null) found = { kind, code };
  }
  return found ?? { kind: 'unknown', code: firstCode };
}

/** Every string `code` in the error chain, outermost first. */
export function codesOf(err: unknown): string[] {
  return chainOf(err)
    .map(codeOf)
    .filter((c): c is string => c !== null);
}

/** The error, its causes and an AggregateError's errors, breadth first, outermost first. */
function chainOf(err: unknown): object[] {
  const chain: object[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && chain.length < MAX_CHAIN) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || chain.includes(e)) continue;
    chain.push(e);
    const { cause, errors } = e as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return chain;
}

function codeOf(e: object): string | null {
  // DOMException has a numeric `code`; only strings are the stable identifiers the tables use.
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : null;
}

function kindOfName(e: object): ErrorKind | null {
  const name = (e as { name?: unknown }).name;
  return typeof name === 'string' ? (KIND_BY_ERROR_NAME[name] ?? null) : null;
}

/** Plain words for the certificate verdicts people actually meet; the code is shown beside them. */
const TLS_REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate chain cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate issuer is not trusted',
  CERT_REVOKED: 'certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
  HOSTNAME_MISMATCH: 'certificate does not match the host name',
};

/** A short reason for a TLS failure code, e.g. `certificate has expired`. */
export function describeTlsCode(code: string | null): string {
  return (code !== null ? TLS_REASONS[code] : undefined) ?? 'handshake failed';
}
