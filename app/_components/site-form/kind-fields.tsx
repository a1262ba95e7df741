'use client';

import { DNS_RECORD_TYPES, HTTP_METHODS, type DnsRecordType } from '@/db/domain';
import { KIND_LIMITS } from '@/lib/site-limits';
import { CheckField, Field, NumberField, type FieldKit } from './field';
import { sendsBody } from './values';
import styles from './site-form.module.css';

/**
 * The fields only one kind has. The target (URL, host:port, name) is the form's first field and lives with it;
 * these come after the interval, and the HTTP request options sit in the form's Advanced section.
 */

export function TcpFields({ kit }: { kit: FieldKit }) {
  return (
    <>
      <CheckField kit={kit} field="tcpTls" label="TLS on connect (SMTPS, LDAPS…): check the handshake and the certificate" />
      {kit.values.tcpTls && <TlsFields kit={kit} />}
    </>
  );
}

export function DnsFields({ kit }: { kit: FieldKit }) {
  return (
    <>
      <div className="field-pair">
        <Field label="Record type" htmlFor={kit.id('dnsRecordType')} error={kit.error('dnsRecordType')}>
          <select {...kit.props('dnsRecordType')} value={kit.values.dnsRecordType} onChange={(e) => kit.set('dnsRecordType', e.target.value as DnsRecordType)}>
            {DNS_RECORD_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="DNS server" htmlFor={kit.id('dnsServer')} error={kit.error('dnsServer')}>
          <input
            {...kit.props('dnsServer', true)}
            type="text"
            spellCheck={false}
            placeholder="system resolver"
            value={kit.values.dnsServer}
            onChange={(e) => kit.set('dnsServer', e.target.value)}
          />
          <p id={kit.id('dnsServer-hint')} className="field-hint">
            Optional: an IP address, with :port if not 53
          </p>
        </Field>
      </div>
      <Field label="Expected values" htmlFor={kit.id('dnsExpected')} error={kit.error('dnsExpected')}>
        <textarea
          {...kit.props('dnsExpected', true)}
          rows={2}
          spellCheck={false}
          value={kit.values.dnsExpected}
          onChange={(e) => kit.set('dnsExpected', e.target.value)}
        />
        <p id={kit.id('dnsExpected-hint')} className="field-hint">
          Optional, one a line: each must be in the answer. Empty: any answer is up.
        </p>
      </Field>
    </>
  );
}

export function PushFields({ kit, isEdit }: { kit: FieldKit; isEdit: boolean }) {
  return (
    <>
      <NumberField kit={kit} field="pushGraceSeconds" label="Grace" unit="seconds" />
      <p className="field-hint">
        The job calls a secret URL at least once per interval; the site is down when a ping is later than the
        interval plus the grace.{' '}
        {isEdit ? 'Rotate the URL on the site page to see a new one.' : 'The URL is shown once, after the site is added.'}
      </p>
    </>
  );
}

/** HTTP's request options (in Advanced): method, body, expected status, redirects, TLS. */
export function HttpRequestFields({ kit, hasStoredBody }: { kit: FieldKit; hasStoredBody: boolean }) {
  const { values, set } = kit;
  return (
    <>
      <Field label="Method" htmlFor={kit.id('method')} error={kit.error('method')}>
        <select {...kit.props('method')} value={values.method} onChange={(e) => set('method', e.target.value)}>
          {HTTP_METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </Field>
      {sendsBody(values.method) && (
        <>
          <Field label="Request body" htmlFor={kit.id('requestBody')} error={kit.error('requestBody')}>
            <textarea
              {...kit.props('requestBody', true)}
              rows={3}
              spellCheck={false}
              maxLength={KIND_LIMITS.requestBody}
              placeholder={hasStoredBody ? '•••••••• (stored; type to replace)' : '{"ping": true}'}
              value={values.requestBody}
              onChange={(e) => set('requestBody', e.target.value)}
            />
            <p id={kit.id('requestBody-hint')} className="field-hint">
              Stored encrypted and never shown again, like header values.
            </p>
          </Field>
          <Field label="Content type" htmlFor={kit.id('requestContentType')} error={kit.error('requestContentType')}>
            <input
              {...kit.props('requestContentType')}
              type="text"
              spellCheck={false}
              placeholder="application/json"
              value={values.requestContentType}
              onChange={(e) => set('requestContentType', e.target.value)}
            />
          </Field>
        </>
      )}
      <Field label="Expected status codes" htmlFor={kit.id('expectedStatus')} error={kit.error('expectedStatus')}>
        <input
          {...kit.props('expectedStatus', true)}
          type="text"
          spellCheck={false}
          value={values.expectedStatus}
          onChange={(e) => set('expectedStatus', e.target.value)}
        />
        <p id={kit.id('expectedStatus-hint')} className="field-hint">
          Codes and ranges that count as up, e.g. 200-299,301
        </p>
      </Field>
      <CheckField kit={kit} field="followRedirects" label="Follow redirects" />
      {values.url.trim().toLowerCase().startsWith('https:') && <TlsFields kit={kit} />}
    </>
  );
}

/** Certificate options of an https URL or a tls:// port: verification, a private CA, the name to expect. */
function TlsFields({ kit }: { kit: FieldKit }) {
  const { values, set } = kit;
  return (
    <>
      <TlsVerify kit={kit} />
      <Field label="Custom CA" htmlFor={kit.id('caPem')} error={kit.error('caPem')}>
        <textarea
          {...kit.props('caPem', true)}
          rows={3}
          spellCheck={false}
          placeholder="-----BEGIN CERTIFICATE-----"
          value={values.caPem}
          onChange={(e) => set('caPem', e.target.value)}
        />
        <p id={kit.id('caPem-hint')} className="field-hint">
          Optional: your private CA&apos;s certificate (PEM), trusted for this site in place of the public roots.
        </p>
      </Field>
      <Field label="Host name" htmlFor={kit.id('hostHeader')} error={kit.error('hostHeader')}>
        <input
          {...kit.props('hostHeader', true)}
          type="text"
          spellCheck={false}
          placeholder="internal.example.com"
          value={values.hostHeader}
          onChange={(e) => set('hostHeader', e.target.value)}
        />
        <p id={kit.id('hostHeader-hint')} className="field-hint">
          Optional: the name sent as SNI{values.kind === 'http' ? ' and Host' : ''} and expected on the certificate.
        </p>
      </Field>
    </>
  );
}

function TlsVerify({ kit }: { kit: FieldKit }) {
  return (
    <>
      <CheckField kit={kit} field="tlsVerify" label="Verify the certificate" />
      {!kit.values.tlsVerify && (
        <p className={styles.warning} role="note" data-testid="tls-warning">
          Any certificate is accepted, also a forged one: the check no longer proves you reach the real server. Its
          expiry is still watched, and the site page says it is not verified. For a private CA, give its certificate instead.
        </p>
      )}
    </>
  );
}
