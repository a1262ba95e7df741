import { stringify } from 'yaml';
import type { Store } from '../../../db';
import { envReference } from '../../config';
import { openChannel } from '../../secrets/channel-config';
import { applyPlan, vetPlan, type ApplyLimits } from '../apply';
import { ConfigFileError, loadConfigText, type ConfigProblem } from '../load';
import { planConfig, type Plan } from '../plan';
import type { ImportResult, NotCarried } from './report';

/**
 * An import applied the way a file is (plan first, one transaction), with three differences that make it an
 * import rather than a file taking charge:
 * - it never deletes: what Upbeat already holds stays, whichever file or person made it;
 * - the objects it brings are left as if made in the UI (editable there), keeping their key, so importing the
 *   same source again updates them instead of adding copies;
 * - an object a configuration file manages is not touched; it is listed with the reason.
 */

export interface ImportPlan {
  plan: Plan;
  /** The document as upbeat.yaml, secrets as `${…}` references. */
  yaml: string;
  /** The import's own list plus the objects left alone because a file manages them. */
  notCarried: NotCarried[];
}

/** What the import is called in plans and problems: `kuma.db (import)`. */
const labelOf = (name: string) => `${name} (import)`;

export function importYaml(result: ImportResult): string {
  return stringify(result.document, { lineWidth: 0 });
}

export async function planImport(store: Store, result: ImportResult, name: string): Promise<ImportPlan> {
  const yaml = importYaml(result);
  const label = labelOf(name);
  const kept = keptWebhookSecrets(store, result);
  // Secrets read from the source first; a reference the source itself made (Gatus's ${VAR}) from the environment.
  const env = (n: string) => kept[n] ?? result.secrets[n] ?? envReference(n);
  const loaded = loadConfigText(yaml, label, env);
  const full = planConfig(store, loaded.desired, label);
  const problems = await vetPlan(full, loaded);
  if (problems.length > 0) {
    // An address the target policy refuses leaves out that object alone, reported like anything else not carried.
    const trimmed = withoutRefused(result, problems);
    if (trimmed === null) throw new ConfigFileError(problems);
    return planImport(store, trimmed, name);
  }

  const notCarried = [...result.notCarried];
  const managedBy = new Map(
    (['site', 'channel', 'statusPage'] as const).flatMap((kind) =>
      store.configMarks(kind).map((m) => [`${kind}:${m.id}`, m.managedBy] as const),
    ),
  );
  const changes = full.changes.flatMap((c) => {
    if (c.action === 'delete') return [];
    const owner = c.id === null ? null : (managedBy.get(`${c.kind}:${c.id}`) ?? null);
    if (owner !== null && owner !== label) {
      notCarried.push({ what: c.kind === 'statusPage' ? 'status page' : c.kind, name: c.name, reason: `${owner} manages ${c.key}; change it there` });
      return [];
    }
    const fields = c.fields.filter((f) => f.field !== 'managedBy');
    return c.action === 'update' && fields.length === 0 ? [] : [{ ...c, fields }];
  });
  return { plan: { ...full, changes }, yaml, notCarried };
}

/**
 * The import without the sites and channels the target policy refused (`sites[2].url: …`), each listed with the
 * policy's words, and without references to them; null when a problem names no such object.
 */
function withoutRefused(result: ImportResult, problems: readonly ConfigProblem[]): ImportResult | null {
  const refused = { sites: new Map<number, string>(), channels: new Map<number, string>() };
  for (const p of problems) {
    const m = /^(sites|channels)\[(\d+)\]\.?(.*)$/.exec(p.field);
    if (!m) return null;
    const list = refused[m[1] as 'sites' | 'channels'];
    if (!list.has(Number(m[2]))) list.set(Number(m[2]), `${m[3] || m[1]} ${p.message}`);
  }
  const doc = result.document;
  const notCarried = [...result.notCarried];
  const gone = { sites: new Set<string>(), channels: new Set<string>() };
  for (const kind of ['sites', 'channels'] as const) {
    (doc[kind] ?? []).forEach((o, i) => {
      const why = refused[kind].get(i);
      if (why === undefined) return;
      gone[kind].add(o.key);
      notCarried.push({ what: kind === 'sites' ? 'site' : 'channel', name: o.name ?? o.key, reason: `refused by the target policy: ${why}` });
    });
  }
  const document: ImportResult['document'] = {
    ...doc,
    channels: doc.channels?.filter((c) => !gone.channels.has(c.key)),
    sites: doc.sites
      ?.filter((s) => !gone.sites.has(s.key))
      .map((s) => (s.channels ? { ...s, channels: s.channels.filter((k) => !gone.channels.has(k)) } : s)),
    statusPages: doc.statusPages?.map((p) => ({
      ...p,
      sites: p.sites?.filter((e) => !gone.sites.has(typeof e === 'string' ? e : e.site)),
    })),
  };
  return { ...result, document, notCarried };
}

/**
 * Neither Kuma nor Gatus signs webhooks, so the importer makes each webhook channel a signing secret. Imported
 * again, a channel keeps the secret it was given the first time (receivers may check it by now), instead of a
 * new one showing as a change on every import.
 */
function keptWebhookSecrets(store: Store, result: ImportResult): Record<string, string> {
  const kept: Record<string, string> = {};
  const idOf = new Map(store.configMarks('channel').flatMap((m) => (m.key === null ? [] : [[m.key, m.id] as const])));
  for (const c of result.document.channels ?? []) {
    const ref = /^\$\{([A-Za-z0-9_]+)\}$/.exec(String(c.config.secret ?? ''))?.[1];
    const id = idOf.get(c.key);
    if (c.type !== 'webhook' || ref === undefined || id === undefined) continue;
    const stored = store.getChannel(id);
    if (stored?.type !== 'webhook') continue;
    try {
      const secret = openChannel(store, stored).config.secret;
      if (typeof secret === 'string') kept[ref] = secret;
    } catch {
      // A secret that does not open with this key is replaced, as a new channel's would be.
    }
  }
  return kept;
}

/** Plans and applies in one transaction, then leaves what it wrote editable in the UI. */
export async function applyImport(store: Store, result: ImportResult, name: string, limits?: ApplyLimits): Promise<ImportPlan> {
  const planned = await planImport(store, result, name);
  const { plan } = planned;
  store.db.transaction(() => {
    applyPlan(store, plan, limits);
    for (const c of plan.changes) {
      const id = c.id ?? plan.ids[c.kind].get(c.key) ?? store.configMarks(c.kind).find((m) => m.key === c.key)?.id;
      if (id !== undefined) store.setConfigMark(c.kind, id, c.key, null);
    }
    // The write lock first, as apply takes it: a checker writing meanwhile cannot fail this halfway.
  }).immediate();
  return planned;
}
