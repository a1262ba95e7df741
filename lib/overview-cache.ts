import type { OverviewSite, SiteStamp, SparkPoint, Store } from '../db';
import { SPARK_BUCKET_MS, type OverviewVerbs } from '../db/overview';

/**
 * The overview kept in memory, one summary per site, so that a read costs only the sites that changed since the
 * last one instead of every site's rollups.
 *
 * What changed is read from the database, never from this process's own events, so it holds whether the checker
 * runs in this process or as `npm run monitor` beside it: sites with a check above the newest check id seen
 * (`checkedSince`), sites whose `updated_at` moved (an edit, a pause), new sites, and deleted ones. Everything
 * else is kept: its sparkline slides to the current minute in memory (a minute only gets points from new
 * checks, which re-read the site), and its 24 h uptime, which moves only as old checks leave the day, is read
 * again once it is older than `maxAgeMs` (spread over the sites, so they do not all expire in one read).
 */

/** How long a summary without new checks is trusted for its 24 h uptime. */
export const OVERVIEW_MAX_AGE_MS = 60_000;

interface Entry {
  id: number;
  site: OverviewSite;
  updatedAt: number;
  /** Read again from this time on, even without new checks. */
  expiresAt: number;
  /**
   * `site.sparkFrom`, kept beside it: the per-read loops touch only entries. Ten thousand summaries lie all over
   * the heap, and reaching into each one cost about half a microsecond (a cache miss) — 6 ms a read for one field.
   */
  sparkFrom: number;
  /** The summary as a caller's encoder wrote it (readEncoded), until the summary changes. */
  encodedBy?: (site: OverviewSite) => unknown;
  encoded?: unknown;
}

export interface OverviewReadOptions {
  now?: number;
  ids?: readonly number[];
}

export interface EncodedSite<T> {
  id: number;
  site: OverviewSite;
  encoded: T;
}

export interface OverviewCache {
  /** Every site (or the given ones), as `store.overview` would answer (ordered by id), up to `maxAgeMs` for uptime. */
  read(options?: OverviewReadOptions): OverviewSite[];
  /**
   * The same sites, each with `encode(site)`, which runs once per summary: a site that did not change since the
   * last read gives back what it gave then (at 10,000 sites, writing out every site's JSON on every read was
   * most of what a read cost). `encode` must depend on the summary alone.
   */
  readEncoded<T>(options: OverviewReadOptions, encode: (site: OverviewSite) => T): EncodedSite<T>[];
  /** How many site summaries the last read took from the database (for tests and benchmarks). */
  lastReadCount(): number;
}

type Source = Pick<OverviewVerbs, 'overview' | 'checkedSince' | 'siteStamps'> & Pick<Store, 'sitesRevision'>;

export function createOverviewCache(store: Source, maxAgeMs = OVERVIEW_MAX_AGE_MS): OverviewCache {
  const entries = new Map<number, Entry>();
  let watermark = 0;
  let readCount = 0;
  // Which sites exist and when each was last edited, read again only when the sites' revision (a counter that
  // triggers bump on every insert, delete and settings update) moved: at 10,000 sites the list was a third of
  // a read's time, and most reads come between two edits.
  let stamps: SiteStamp[] = [];
  let stampsRevision = -1;

  const firstMinuteAt = (now: number) => (Math.floor(now / SPARK_BUCKET_MS) - 59) * SPARK_BUCKET_MS;

  /** The summary with its sparkline moved on to the reading's minutes (only ever forward). */
  const slide = (entry: Entry, from: number): void => {
    if (entry.sparkFrom === from) return;
    const site = entry.site;
    const shift = (from - site.sparkFrom) / SPARK_BUCKET_MS;
    const spark: SparkPoint[] = [];
    for (const [index, latency, ok] of site.spark) if (index >= shift) spark.push([index - shift, latency, ok]);
    entry.site = { ...site, sparkFrom: from, spark };
    entry.sparkFrom = from;
    entry.encodedBy = undefined;
  };

  /** The entries of every site (or the given ones), ordered by id, each current. */
  const collect = ({ now = Date.now(), ids }: OverviewReadOptions): Entry[] => {
    // The watermark is taken BEFORE the rows are read: a check landing in between is read now and again next
    // time, never missed.
    const changed = store.checkedSince(watermark);
    watermark = changed.latestId;
    for (const id of changed.siteIds) entries.delete(id);

    const revision = store.sitesRevision();
    if (revision !== stampsRevision) {
      stamps = store.siteStamps();
      stampsRevision = revision;
      const live = new Set(stamps.map((stamp) => stamp.id));
      for (const id of entries.keys()) if (!live.has(id)) entries.delete(id);
    }

    const wanted = ids ? new Set(ids) : null;
    const from = firstMinuteAt(now);
    const stale: number[] = [];
    for (const { id, updatedAt } of stamps) {
      if (wanted && !wanted.has(id)) continue;
      const entry = entries.get(id);
      if (!entry || entry.updatedAt !== updatedAt || now >= entry.expiresAt || entry.sparkFrom > from) stale.push(id);
    }
    readCount = stale.length;
    if (stale.length > 0) {
      // Spread over the second half of the max age, so sites read together (at start-up) expire apart.
      const half = Math.max(1, Math.floor(maxAgeMs / 2));
      for (const site of store.overview({ now, ids: stale })) {
        const expiresAt = now + half + ((site.id * 7919) % half);
        entries.set(site.id, { id: site.id, site, updatedAt: site.updatedAt, expiresAt, sparkFrom: site.sparkFrom });
      }
    }

    const out: Entry[] = [];
    for (const { id } of stamps) {
      if (wanted && !wanted.has(id)) continue;
      const entry = entries.get(id);
      if (!entry) continue;
      slide(entry, from);
      out.push(entry);
    }
    return out;
  };

  return {
    read: (options = {}) => collect(options).map((entry) => entry.site),
    readEncoded<T>(options: OverviewReadOptions, encode: (site: OverviewSite) => T): EncodedSite<T>[] {
      return collect(options).map((entry) => {
        if (entry.encodedBy !== encode || entry.encoded === undefined) {
          entry.encoded = encode(entry.site);
          entry.encodedBy = encode;
        }
        return { id: entry.id, site: entry.site, encoded: entry.encoded as T };
      });
    },
    lastReadCount: () => readCount,
  };
}

// On globalThis, like the store itself (lib/store.ts): Next.js loads the page and the route handlers as separate
// module graphs, which would otherwise keep a cache each.
const KEY = Symbol.for('upbeat.overviewCaches');
type Holder = { [KEY]?: WeakMap<Store, OverviewCache> };

/** The overview cache of a store: one per open database in the process, shared by the page and the API. */
export function overviewCacheOf(store: Store): OverviewCache {
  const caches = ((globalThis as Holder)[KEY] ??= new WeakMap());
  let cache = caches.get(store);
  if (!cache) {
    cache = createOverviewCache(store);
    caches.set(store, cache);
  }
  return cache;
}
