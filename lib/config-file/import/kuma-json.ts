import { AppError } from '../../errors';
import { bool, num, stringList, text, type Loose } from './kuma-fields';
import { mapKuma, type KumaData, type KumaMonitor, type KumaNotification } from './kuma-map';
import type { ImportResult } from './report';

/**
 * An Uptime Kuma 1.x backup (Settings → Backup → Export): `{ version, notificationList, monitorList }`, each
 * monitor as Kuma's `toJSON(includeSensitiveData)` writes it, each notification with its config as JSON text.
 */

const isObject = (v: unknown): v is Loose => v !== null && typeof v === 'object' && !Array.isArray(v);

function invalid(message: string): AppError {
  return new AppError('validation', `Invalid Kuma backup: ${message}`, { file: message });
}

export function readKumaBackup(json: string): KumaData {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw invalid(`is not JSON (${(err as Error).message})`);
  }
  if (!isObject(data) || !Array.isArray(data.monitorList)) {
    throw invalid('has no monitorList; export it from Uptime Kuma under Settings → Backup');
  }
  const notifications: KumaNotification[] = (Array.isArray(data.notificationList) ? data.notificationList : [])
    .filter(isObject)
    .map((n, i) => {
      let config: Loose = {};
      const raw = n.config;
      if (isObject(raw)) config = raw;
      else if (typeof raw === 'string') {
        try {
          const parsed: unknown = JSON.parse(raw);
          if (isObject(parsed)) config = parsed;
        } catch {
          // Left empty: the notification is then reported as of an unknown type, by name.
        }
      }
      return {
        id: num(n, 'id') ?? -(i + 1),
        name: text(n, 'name') ?? text(config, 'name') ?? `notification ${i + 1}`,
        active: n.active === undefined ? true : bool(n, 'active'),
        isDefault: bool(n, 'isDefault', 'is_default') || bool(config, 'isDefault'),
        config,
      };
    });
  const monitors = data.monitorList.filter(isObject).map((m, i) => kumaMonitorFrom(m, i));
  return { monitors, notifications, statusPages: null };
}

/** One monitor row or backup entry, whichever spelling of each field it uses. */
export function kumaMonitorFrom(m: Loose, index: number): KumaMonitor {
  const ids = m.notificationIDList;
  const notificationIds = isObject(ids)
    ? Object.entries(ids)
        .filter(([, on]) => on === true || on === 1)
        .map(([id]) => Number(id))
    : [];
  const tags = Array.isArray(m.tags)
    ? m.tags.filter(isObject).map((t) => [text(t, 'name'), text(t, 'value')].filter((s) => s).join(':'))
    : [];
  return {
    id: num(m, 'id') ?? -(index + 1),
    name: text(m, 'name') ?? `monitor ${index + 1}`,
    type: (text(m, 'type') ?? 'http').toLowerCase(),
    active: m.active === undefined || m.active === null ? true : bool(m, 'active'),
    url: text(m, 'url'),
    method: text(m, 'method'),
    body: text(m, 'body'),
    headers: text(m, 'headers'),
    httpBodyEncoding: text(m, 'httpBodyEncoding', 'http_body_encoding'),
    hostname: text(m, 'hostname'),
    port: num(m, 'port'),
    interval: num(m, 'interval') ?? 60,
    retryInterval: num(m, 'retryInterval', 'retry_interval'),
    maxretries: num(m, 'maxretries') ?? 0,
    timeout: num(m, 'timeout'),
    resendInterval: num(m, 'resendInterval', 'resend_interval') ?? 0,
    acceptedStatusCodes: stringList(m.accepted_statuscodes ?? m.accepted_statuscodes_json ?? m.acceptedStatuscodes),
    keyword: text(m, 'keyword'),
    invertKeyword: bool(m, 'invertKeyword', 'invert_keyword'),
    jsonPath: text(m, 'jsonPath', 'json_path'),
    jsonPathOperator: text(m, 'jsonPathOperator', 'json_path_operator'),
    expectedValue: text(m, 'expectedValue', 'expected_value'),
    ignoreTls: bool(m, 'ignoreTls', 'ignore_tls'),
    upsideDown: bool(m, 'upsideDown', 'upside_down'),
    maxredirects: num(m, 'maxredirects') ?? 10,
    dnsResolveType: text(m, 'dns_resolve_type', 'dnsResolveType'),
    dnsResolveServer: text(m, 'dns_resolve_server', 'dnsResolveServer'),
    dnsResolvePort: num(m, 'dns_resolve_port', 'dnsResolvePort'),
    authMethod: text(m, 'authMethod', 'auth_method'),
    basicAuthUser: text(m, 'basic_auth_user', 'basicAuthUser'),
    basicAuthPass: text(m, 'basic_auth_pass', 'basicAuthPass'),
    tlsCa: text(m, 'tlsCa', 'tls_ca'),
    tlsCert: text(m, 'tlsCert', 'tls_cert'),
    proxyId: num(m, 'proxyId', 'proxy_id'),
    parent: num(m, 'parent'),
    description: text(m, 'description'),
    tags,
    notificationIds,
  };
}

export function importKumaBackup(json: string): ImportResult {
  return mapKuma(readKumaBackup(json));
}
