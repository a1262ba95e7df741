import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { SendContext } from '../../../../lib/alerts/channel';
import { emailChannel, messageIdFor } from '../../../../lib/alerts/channels/email';
import { createTargetGuard } from '../../../../lib/alerts/guard';
import { closedPort } from '../../../fixtures/targets';
import { selfSignedCertificate } from '../../../fixtures/tls';
import { parseConfig, refusedFields, testContext } from '../channel-cases';
import { down } from '../sample-events';

const cert = selfSignedCertificate();
const tlsSkip = cert === null ? 'openssl is not installed' : false;
const USER = 'alerts';
const PASSWORD = 'correct horse battery';

interface Received {
  mail: ParsedMail;
  session: SMTPServerSession;
  /** The recipients of the SMTP envelope. */
  rcpt: string[];
}

interface SmtpStandIn {
  port: number;
  received: Received[];
  logins: string[];
  /** Connections accepted, whether or not a message followed. */
  readonly connections: number;
}

/** A real SMTP server on 127.0.0.1 port 0 that parses every message it accepts. */
async function startSmtp(t: TestContext, options: Partial<SMTPServerOptions>): Promise<SmtpStandIn> {
  const received: Received[] = [];
  const logins: string[] = [];
  let connections = 0;
  const server = new SMTPServer({
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    authOptional: true,
    ...(cert !== null ? { key: cert.key, cert: cert.cert } : {}),
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, session, rcpt: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
    ...options,
  });
  // A client that hangs up mid-handshake (as one refusing the certificate does) is an 'error' of the server.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    logins,
    get connections() {
      return connections;
    },
  };
}

function contextTrusting(ca: string | undefined): SendContext {
  return { ...testContext(), ca };
}

const ctx = contextTrusting(cert?.cert);

const baseConfig = (port: number, extra: Record<string, unknown>) =>
  parseConfig(emailChannel, {
    host: '127.0.0.1',
    port,
    from: 'upbeat@example.com',
    to: ['ops@example.com', 'oncall@example.com'],
    ...extra,
  });

test('email: a plain SMTP server without auth receives the message, its text and HTML, and the idempotency headers', async (t) => {
  const smtp = await startSmtp(t, {});
  const outcome = await emailChannel.send(baseConfig(smtp.port, { tls: 'none' }), down, ctx);
  assert.equal(outcome.delivered, true, JSON.stringify(outcome));
  assert.equal(outcome.status, 250);

  assert.equal(smtp.received.length, 1);
  const { mail, session, rcpt } = smtp.received[0]!;
  assert.equal(session.secure, false);
  assert.deepEqual(rcpt, ['ops@example.com', 'oncall@example.com']);
  assert.equal(mail.subject, '🔴 Shop API is down');
  assert.deepEqual(mail.from?.value, [{ address: 'upbeat@example.com', name: 'Upbeat' }]);
  const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
  assert.deepEqual(to.map((a) => a.address), ['ops@example.com', 'oncall@example.com']);
  assert.ok(mail.text?.includes('DNS: cannot resolve shop.example.com (ENOTFOUND)'), mail.text);
  assert.ok(mail.text?.includes('https://upbeat.example.com/sites/7'), mail.text);
  assert.ok(typeof mail.html === 'string' && mail.html.includes('href="https://upbeat.example.com/sites/7"'));
  assert.equal(mail.messageId, messageIdFor(down.idempotencyKey, 'upbeat@example.com'));
  assert.match(mail.messageId!, /^<upbeat\.[0-9a-f]{32}@example\.com>$/);
  assert.equal(mail.headers.get('x-upbeat-idempotency-key'), 'transition-41:channel-3');
  assert.equal(mail.headers.get('x-upbeat-event'), 'down');
});

test('email: the same idempotency key gives the same Message-ID on a retry, another key another one', () => {
  assert.equal(messageIdFor('k1', 'a@x.org'), messageIdFor('k1', 'a@x.org'));
  assert.notEqual(messageIdFor('k1', 'a@x.org'), messageIdFor('k2', 'a@x.org'));
});

test('email: STARTTLS with a login upgrades before authenticating', { skip: tlsSkip }, async (t) => {
  const smtp = await startSmtp(t, { authOptional: false });
  const outcome = await emailChannel.send(
    baseConfig(smtp.port, { tls: 'starttls', user: USER, password: PASSWORD }),
    down,
    ctx,
  );
  assert.equal(outcome.delivered, true, JSON.stringify(outcome));
  assert.deepEqual(smtp.logins, [USER]);
  assert.equal(smtp.received[0]!.session.secure, true);
  assert.equal(smtp.received[0]!.session.user, USER);
});

test('email: implicit TLS with a login', { skip: tlsSkip }, async (t) => {
  const smtp = await startSmtp(t, { secure: true, authOptional: false });
  const outcome = await emailChannel.send(baseConfig(smtp.port, { tls: 'tls', user: USER, password: PASSWORD }), down, ctx);
  assert.equal(outcome.delivered, true, JSON.stringify(outcome));
  assert.equal(smtp.received[0]!.session.secure, true);
});

test('email: a certificate the monitor does not trust is not sent to', { skip: tlsSkip }, async (t) => {
  const smtp = await startSmtp(t, { secure: true });
  const outcome = await emailChannel.send(baseConfig(smtp.port, { tls: 'tls' }), down, contextTrusting(undefined));
  // Retried: a certificate can be fixed on the server's side within the hour the sender keeps trying.
  assert.deepEqual(outcome, {
    delivered: false,
    retryable: true,
    status: null,
    error: 'tls: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
  });
  assert.equal(smtp.received.length, 0);
});

test('email: a wrong password is final, with the server reply kept', { skip: tlsSkip }, async (t) => {
  const smtp = await startSmtp(t, { authOptional: false });
  const outcome = await emailChannel.send(
    baseConfig(smtp.port, { tls: 'starttls', user: USER, password: 'wrong password' }),
    down,
    ctx,
  );
  assert.deepEqual(outcome, {
    delivered: false,
    retryable: false,
    status: 535,
    error: '535 Authentication credentials invalid',
  });
  assert.equal(smtp.received.length, 0);
});

test('email: a temporary refusal (4xx) is retried, a permanent one (5xx) is not', async (t) => {
  const busy = await startSmtp(t, {
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
    },
  });
  const later = await emailChannel.send(baseConfig(busy.port, { tls: 'none' }), down, ctx);
  assert.equal(later.delivered, false);
  if (!later.delivered) {
    assert.equal(later.retryable, true);
    assert.equal(later.status, 451);
    assert.match(later.error, /Mailbox busy, try later/);
  }

  const unknown = await startSmtp(t, {
    onRcptTo(_address, _session, callback) {
      callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    },
  });
  const never = await emailChannel.send(baseConfig(unknown.port, { tls: 'none' }), down, ctx);
  assert.equal(never.delivered, false);
  if (!never.delivered) {
    assert.equal(never.retryable, false);
    assert.equal(never.status, 550);
    assert.match(never.error, /No such user here/);
  }
});

test('email: nobody listening is retried, with no status', async () => {
  const outcome = await emailChannel.send(baseConfig(await closedPort(), { tls: 'none' }), down, ctx);
  assert.equal(outcome.delivered, false);
  if (!outcome.delivered) {
    assert.equal(outcome.retryable, true);
    assert.equal(outcome.status, null);
    assert.match(outcome.error, /^refused: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  }
});

test('email: an SMTP host that resolves to the metadata address is refused before connecting', async (t) => {
  const smtp = await startSmtp(t, {});
  const guard = createTargetGuard({
    policy: { blockPrivate: false },
    lookup: async () => [{ address: '169.254.169.254', family: 4 }],
  });
  t.after(() => guard.dispatcher.destroy());
  const config = baseConfig(smtp.port, { host: 'mail.example.test', tls: 'none' });
  const outcome = await emailChannel.send(config, down, { timeoutMs: 2000, ...guard });
  assert.deepEqual(outcome, {
    delivered: false,
    retryable: false,
    status: null,
    error: 'blocked: 169.254.169.254 is a link-local or cloud metadata address; Upbeat does not send notifications there',
  });
  assert.equal(smtp.connections, 0);
});

test('email: targets name the SMTP host and port for the save-time policy check', () => {
  assert.deepEqual(emailChannel.targets(baseConfig(2525, {})), ['smtp://127.0.0.1:2525']);
  assert.deepEqual(
    emailChannel.targets(parseConfig(emailChannel, { host: '::1', tls: 'tls', from: 'a@b.co', to: ['c@d.co'] })),
    ['smtp://[::1]:465'],
  );
});

test('email config: the port follows the TLS mode; bad fields are named', () => {
  const minimal = { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] };
  assert.equal(parseConfig(emailChannel, minimal).port, 587);
  assert.equal(parseConfig(emailChannel, minimal).tls, 'starttls');
  assert.equal(parseConfig(emailChannel, { ...minimal, tls: 'tls' }).port, 465);
  assert.equal(parseConfig(emailChannel, { ...minimal, tls: 'none' }).port, 25);
  assert.deepEqual(
    refusedFields(emailChannel, {
      host: 'smtp://smtp.example.com',
      port: 70000,
      tls: 'ssl',
      from: 'not an address',
      to: [],
    }),
    {
      host: 'must be a host name or an IP address, without scheme or port (example: smtp.example.com)',
      port: 'must be at most 65535',
      tls: 'must be one of tls, starttls, none',
      from: 'must be an email address like alerts@example.com',
      to: 'must name at least one address',
    },
  );
  assert.deepEqual(refusedFields(emailChannel, { ...minimal, to: ['ok@example.com', 'nope'] }), {
    'to.1': 'must be an email address like alerts@example.com',
  });
  assert.deepEqual(refusedFields(emailChannel, { ...minimal, password: 'secret' }), {
    user: 'is required when a password is set',
  });
  assert.deepEqual(refusedFields(emailChannel, { ...minimal, to: 'b@example.com' }), {
    to: 'must be a list of email addresses',
  });
});
