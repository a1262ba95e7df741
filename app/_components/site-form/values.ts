import { KIND_SETTING_DEFAULTS, type DnsRecordType, type KindSettingKey, type SiteKind } from '@/db/domain';
import type { ApiSite } from '@/lib/api/present';
import { SITE_LIMITS } from '@/lib/site-limits';
import { DEFAULT_EXPECTED_STATUS } from '@/lib/status-codes';
import type { AlertSite } from '../site-alert-fields';

/**
 * The site form's values as typed, per kind, and the one mapping to the JSON the API takes. Fields of the other
 * kinds are kept while the person switches kinds, but only the chosen kind's are sent.
 */

/** What the form needs of a site to edit it (the REST API's site shape fits). */
export type SiteFormSite = Pick<
  ApiSite,
  'id' | 'name' | 'url' | 'method' | 'intervalSeconds' | 'timeoutMs' | 'expectedStatus' | 'followRedirects' | 'headers'
> &
  Partial<AlertSite> &
  Partial<Pick<ApiSite, KindSettingKey>>;

export interface Values {
  kind: SiteKind;
  /** http: the URL; tcp: host:port; dns: the name. */
  url: string;
  name: string;
  intervalSeconds: string;
  timeoutMs: string;
  method: string;
  expectedStatus: string;
  followRedirects: boolean;
  /** What was typed; empty with `hasStoredBody` keeps the stored (never shown) body. */
  requestBody: string;
  requestContentType: string;
  tlsVerify: boolean;
  caPem: string;
  hostHeader: string;
  /** tcp: TLS on connect (`tls://`). */
  tcpTls: boolean;
  dnsRecordType: DnsRecordType;
  dnsServer: string;
  /** One value a line. */
  dnsExpected: string;
  pushGraceSeconds: string;
}

export const KIND_LABELS: Record<SiteKind, string> = { http: 'HTTP', tcp: 'TCP', dns: 'DNS', push: 'Push' };

/** The labels of the fields this file knows (the Alerts section adds its own: see index.tsx). */
export const SITE_FIELD_LABELS: Record<string, string> = {
  kind: 'Kind',
  url: 'URL',
  name: 'Name',
  intervalSeconds: 'Check every',
  timeoutMs: 'Timeout',
  pushGraceSeconds: 'Grace',
  method: 'Method',
  requestBody: 'Request body',
  requestContentType: 'Content type',
  expectedStatus: 'Expected status codes',
  followRedirects: 'Follow redirects',
  headers: 'Request headers',
  tlsVerify: 'Verify the certificate',
  caPem: 'Custom CA',
  hostHeader: 'Host name',
  dnsRecordType: 'Record type',
  dnsServer: 'DNS server',
  dnsExpected: 'Expected values',
  assertions: 'Assertions',
};
/** The url field's label by kind. */
export const URL_LABELS: Record<SiteKind, string> = { http: 'URL', tcp: 'Host and port', dns: 'Name to resolve', push: 'URL' };
export const ADVANCED = new Set(['method', 'requestBody', 'requestContentType', 'expectedStatus', 'followRedirects', 'headers', 'tlsVerify', 'caPem', 'hostHeader']);

/** Methods that carry a request body (the API refuses one with GET and HEAD). */
export function sendsBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * The field an API message belongs by: header and channel problems show by their lists, each assertion's by its
 * row (`assertions.2.value` → `assertions.2`), DNS values by their box.
 */
export function fieldOf(key: string): string {
  if (key.startsWith('channels.')) return 'channels';
  if (key.startsWith('headers.')) return 'headers';
  if (key.startsWith('dnsExpected.')) return 'dnsExpected';
  const row = /^assertions\.(\d+)/.exec(key);
  return row ? `assertions.${row[1]}` : key;
}

export function initialValues(site: SiteFormSite | undefined): Values {
  const kind = site?.kind ?? 'http';
  const url = site?.url ?? '';
  return {
    kind,
    url: kind === 'tcp' ? url.replace(/^(tcp|tls):\/\//, '') : kind === 'dns' ? url.replace(/^dns:\/\//, '') : kind === 'push' ? '' : url,
    name: site?.name ?? '',
    intervalSeconds: String(site?.intervalSeconds ?? SITE_LIMITS.intervalSeconds.default),
    timeoutMs: String(site?.timeoutMs ?? SITE_LIMITS.timeoutMs.default),
    method: site?.method ?? 'GET',
    expectedStatus: site?.expectedStatus ?? DEFAULT_EXPECTED_STATUS,
    followRedirects: site?.followRedirects ?? true,
    requestBody: '',
    requestContentType: site?.requestContentType ?? '',
    tlsVerify: site?.tlsVerify ?? true,
    caPem: site?.caPem ?? '',
    hostHeader: site?.hostHeader ?? '',
    tcpTls: kind === 'tcp' && url.startsWith('tls://'),
    dnsRecordType: site?.dnsRecordType ?? KIND_SETTING_DEFAULTS.dnsRecordType,
    dnsServer: site?.dnsServer ?? '',
    dnsExpected: (site?.dnsExpected ?? []).join('\n'),
    pushGraceSeconds: String(site?.pushGraceSeconds ?? KIND_SETTING_DEFAULTS.pushGraceSeconds),
  };
}

/** A number when the text is one; otherwise the text itself, so the schema names the problem. */
export function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/**
 * The JSON the API takes for the chosen kind. Empty optional fields are left out (the server's defaults apply);
 * `hasStoredBody` says the site being edited has a request body, which is never shown and stays unless replaced
 * or no longer sendable.
 */
export function toBody(v: Values, isEdit: boolean, hasStoredBody: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: v.kind };
  // On an edit an empty name means "derive it from the target again"; on an add, leaving it out does the same.
  if (v.name.trim() !== '' || isEdit) body.name = v.name;
  const interval = numberOrText(v.intervalSeconds);
  if (interval !== undefined) body.intervalSeconds = interval;
  if (v.kind !== 'push') {
    const timeout = numberOrText(v.timeoutMs);
    if (timeout !== undefined) body.timeoutMs = timeout;
  }
  switch (v.kind) {
    case 'http':
      body.url = v.url;
      body.method = v.method;
      if (v.expectedStatus.trim() !== '') body.expectedStatus = v.expectedStatus;
      body.followRedirects = v.followRedirects;
      if (!sendsBody(v.method)) {
        if (hasStoredBody) body.requestBody = null;
      } else if (v.requestBody !== '') body.requestBody = v.requestBody;
      if (isEdit || v.requestContentType.trim() !== '') body.requestContentType = orNull(v.requestContentType);
      body.tlsVerify = v.tlsVerify;
      if (isEdit || v.caPem.trim() !== '') body.caPem = orNull(v.caPem);
      if (isEdit || v.hostHeader.trim() !== '') body.hostHeader = orNull(v.hostHeader);
      break;
    case 'tcp': {
      const target = v.url.trim();
      body.url = target === '' || /^[a-z]+:\/\//i.test(target) ? target : `${v.tcpTls ? 'tls' : 'tcp'}://${target}`;
      body.tlsVerify = v.tlsVerify;
      if (isEdit || v.caPem.trim() !== '') body.caPem = orNull(v.caPem);
      if (isEdit || v.hostHeader.trim() !== '') body.hostHeader = orNull(v.hostHeader);
      break;
    }
    case 'dns': {
      const name = v.url.trim();
      body.url = name === '' || /^dns:\/\//i.test(name) ? name : `dns://${name}`;
      body.dnsRecordType = v.dnsRecordType;
      if (isEdit || v.dnsServer.trim() !== '') body.dnsServer = orNull(v.dnsServer);
      body.dnsExpected = v.dnsExpected
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
      break;
    }
    case 'push': {
      const grace = numberOrText(v.pushGraceSeconds);
      if (grace !== undefined) body.pushGraceSeconds = grace;
      break;
    }
  }
  return body;
}
