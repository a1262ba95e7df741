import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ERROR_KINDS, type ErrorKind } from '../../../db/domain';
import {
  classifyError,
  codesOf,
  describeTlsCode,
  KIND_BY_CODE,
  KIND_BY_CODE_PREFIX,
  kindOfCode,
} from '../../../lib/monitor/classify';

function coded(code: string, cause?: unknown): Error {
  return Object.assign(new Error(`failure ${code}`, cause === undefined ? undefined : { cause }), { code });
}

const CASES: ReadonlyArray<readonly [code: string, kind: ErrorKind]> = [
  ['ENOTFOUND', 'dns'],
  ['EAI_AGAIN', 'dns'],
  ['EAI_FAIL', 'dns'],
  ['EAI_NODATA', 'dns'],
  ['EAI_NONAME', 'dns'],
  ['ESERVFAIL', 'dns'],
  ['ECONNREFUSED', 'refused'],
  ['ECONNRESET', 'reset'],
  ['EPIPE', 'reset'],
  ['ECONNABORTED', 'reset'],
  ['UND_ERR_SOCKET', 'reset'],
  ['ETIMEDOUT', 'timeout'],
  ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
  ['ERR_TLS_HANDSHAKE_TIMEOUT', 'tls'],
  ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
  ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tls'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
  ['CERT_HAS_EXPIRED', 'tls'],
  ['CERT_NOT_YET_VALID', 'tls'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls'],
  ['HPE_INVALID_CONSTANT', 'protocol'],
  ['HPE_INVALID_STATUS', 'protocol'],
  ['HPE_INVALID_HEADER_TOKEN', 'protocol'],
  ['UND_ERR_INFO', 'protocol'],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'protocol'],
];

for (const [code, kind] of CASES) {
  test(`${code} is a ${kind} failure`, () => {
    assert.equal(kindOfCode(code), kind);
    assert.deepEqual(classifyError(coded(code)), { kind, code });
  });
}

test('every kind in the tables is one the app knows', () => {
  const kinds = [...Object.values(KIND_BY_CODE), ...KIND_BY_CODE_PREFIX.map(([, k]) => k)];
  for (const kind of kinds) assert.ok(ERROR_KINDS.includes(kind), kind);
  // status and redirects are the probe's own verdicts: no lower-level code may claim them.
  assert.ok(!kinds.includes('status') && !kinds.includes('redirects'));
});

test('an unknown code is unknown and keeps the code for the message', () => {
  assert.equal(kindOfCode('EHOSTUNREACH'), null);
  assert.deepEqual(classifyError(coded('EHOSTUNREACH')), { kind: 'unknown', code: 'EHOSTUNREACH' });
});

test('message text is never read: a message naming a code without the code is unknown', () => {
  assert.deepEqual(classifyError(new Error('connect ECONNREFUSED 127.0.0.1:80')), { kind: 'unknown', code: null });
  assert.deepEqual(classifyError(new Error('other side closed')), { kind: 'unknown', code: null });
});

test('values that are not errors are unknown', () => {
  for (const value of [undefined, null, 'ECONNRESET', 42, { code: 42 }]) {
    assert.deepEqual(classifyError(value), { kind: 'unknown', code: null });
  }
});

test('a numeric code (DOMException) is ignored', () => {
  const abort = new DOMException('This operation was aborted', 'AbortError');
  assert.equal(typeof (abort as { code: unknown }).code, 'number');
  assert.deepEqual(classifyError(abort), { kind: 'unknown', code: null });
});

test('the cause chain is walked: a code-less wrapper takes its cause’s kind', () => {
  const err = new TypeError('fetch failed', { cause: coded('ECONNREFUSED') });
  assert.deepEqual(classifyError(err), { kind: 'refused', code: 'ECONNREFUSED' });
});

test('the innermost known code wins over its wrappers', () => {
  const err = coded('UND_ERR_SOCKET', coded('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC'));
  assert.deepEqual(classifyError(err), { kind: 'tls', code: 'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC' });
  const deeper = new Error('outer', { cause: coded('UND_ERR_SOCKET', coded('ECONNRESET')) });
  assert.deepEqual(classifyError(deeper), { kind: 'reset', code: 'ECONNRESET' });
});

test('an unknown inner code does not hide a known outer one', () => {
  assert.deepEqual(classifyError(coded('ETIMEDOUT', coded('SOMETHING_NEW'))), { kind: 'timeout', code: 'ETIMEDOUT' });
});

test('the errors of an AggregateError are walked', () => {
  const err = new AggregateError([coded('ECONNREFUSED'), coded('ETIMEDOUT')], 'all attempts failed');
  assert.deepEqual(codesOf(err), ['ECONNREFUSED', 'ETIMEDOUT']);
  assert.equal(classifyError(err).kind, 'timeout');
});

test('a cause chain that loops ends', () => {
  const a = coded('SOMETHING_A');
  const b = coded('ECONNRESET', a);
  (a as { cause?: unknown }).cause = b;
  assert.deepEqual(classifyError(a), { kind: 'reset', code: 'ECONNRESET' });
});

test('an undici parse error without a code is a protocol failure, by its class name', () => {
  const parseError = Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), {
    name: 'HTTPParserError',
    code: undefined,
  });
  assert.deepEqual(classifyError(parseError), { kind: 'protocol', code: null });
  // A code, when there is one, still decides.
  assert.deepEqual(classifyError(Object.assign(parseError, { code: 'HPE_INVALID_STATUS' })), {
    kind: 'protocol',
    code: 'HPE_INVALID_STATUS',
  });
  assert.equal(classifyError(Object.assign(new Error('x'), { name: 'SomethingElse' })).kind, 'unknown');
});

test('a real refused connection classifies as refused', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const err = await new Promise<unknown>((resolve) => {
    net.connect({ host: '127.0.0.1', port }).on('error', resolve);
  });
  assert.deepEqual(classifyError(err), { kind: 'refused', code: 'ECONNREFUSED' });
});

test('TLS codes read as plain words, with a fallback', () => {
  assert.equal(describeTlsCode('CERT_HAS_EXPIRED'), 'certificate has expired');
  assert.equal(describeTlsCode('ERR_SSL_WRONG_VERSION_NUMBER'), 'handshake failed');
  assert.equal(describeTlsCode(null), 'handshake failed');
});
