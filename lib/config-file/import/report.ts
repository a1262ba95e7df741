import type { ConfigDocumentInput } from '../document';
import { KEY_PATTERN } from '../document';

/**
 * What an import produced: the document (upbeat.yaml as it would be written, secrets as `${ENV}` placeholders),
 * the values of those placeholders as read from the source (used to apply the import directly, never printed),
 * and everything that could not be carried over, each by name with the reason. Nothing is dropped without a line
 * here.
 */

export type ImportSource = 'kuma' | 'gatus';

export interface NotCarried {
  /** What it is in the source: `monitor`, `notification`, `status page`, `endpoint`, `condition`, `alert`, … */
  what: string;
  /** Its name in the source (a monitor's name, `name: condition` for a part of one). */
  name: string;
  reason: string;
}

export interface ImportResult {
  source: ImportSource;
  document: ConfigDocumentInput & { version: 1 };
  /** Placeholder name → the value the source held. */
  secrets: Record<string, string>;
  notCarried: NotCarried[];
}

/** Collects what could not be carried over, in the order met. */
export class ImportReport {
  readonly items: NotCarried[] = [];

  add(what: string, name: string, reason: string): void {
    this.items.push({ what, name, reason });
  }
}

/** The list as lines for a terminal: `monitor "DB": Upbeat has no mysql check`. */
export function formatNotCarried(items: readonly NotCarried[]): string {
  if (items.length === 0) return 'Everything was carried over.\n';
  const lines = items.map((i) => `  - ${i.what} ${JSON.stringify(i.name)}: ${i.reason}`);
  return `Not carried over (${items.length}):\n${lines.join('\n')}\n`;
}

/**
 * Hands out document keys from source names: lower-case, dashes for anything else, unique within one list
 * (a second "API" becomes `api-2`), so two monitors of the same name both arrive.
 */
export class KeyMaker {
  private readonly taken = new Set<string>();

  constructor(private readonly fallback: string) {}

  make(name: string): string {
    const base =
      name
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 56)
        .replace(/-+$/, '') || this.fallback;
    let key = KEY_PATTERN.test(base) ? base : this.fallback;
    for (let n = 2; this.taken.has(key); n++) key = `${base}-${n}`;
    this.taken.add(key);
    return key;
  }
}

/** The environment variable a secret of a channel or site is read from: `UPBEAT_CHANNEL_OPS_SLACK_WEBHOOK_URL`. */
export function envName(owner: 'channel' | 'site', key: string, field: string): string {
  const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return `UPBEAT_${owner.toUpperCase()}_${words(key)}_${words(field)}`.replace(/_+/g, '_').replace(/_$/, '');
}

/** Keeps `value` in `secrets` under `name` and returns the placeholder written in its place. */
export function placeholder(secrets: Record<string, string>, name: string, value: string): string {
  secrets[name] = value;
  return `\${${name}}`;
}

/** A copy of `value` with every `${NAME}` found in `secrets` replaced by its value (for validating as applied). */
export function resolvePlaceholders<T>(value: T, secrets: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => secrets[name] ?? whole) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => resolvePlaceholders(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePlaceholders(v, secrets)])) as T;
  }
  return value;
}

/** Header names whose values are credentials, and so go to the environment rather than into the file. */
export const SECRET_HEADER = /auth|token|key|secret|cookie|passw|session|signature/i;
