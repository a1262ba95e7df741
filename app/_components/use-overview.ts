'use client';

import { useState } from 'react';
import useSWR, { mutate } from 'swr';
import type { ApiSite } from '@/lib/api/present';
import { api, unwrap } from './api-client';
import { useLiveEvents } from './live-events';
import { OVERVIEW_SITE_FIELDS, type OverviewSiteWire, type OverviewWire } from './overview-types';

export const OVERVIEW_KEY = '/api/overview';

/** Throws on failure (SWR's way); an ended session has already left for the login page by then. */
async function fetchOverview(ids?: readonly number[]): Promise<OverviewWire> {
  return unwrap(await api.overview(ids));
}

/** Keeps the objects of unchanged sites, so their memoised rows do not re-render. */
function keepUnchanged(previous: OverviewWire, next: OverviewWire): OverviewWire {
  const old = new Map(previous.sites.map((s) => [s.id, s]));
  const sites = next.sites.map((s) => {
    const before = old.get(s.id);
    return before && JSON.stringify(before) === JSON.stringify(s) ? before : s;
  });
  return { at: next.at, sites };
}

/** Replaces the rows of `ids` with what the server just said about them; an id it no longer knows is gone. */
function mergePart(current: OverviewWire, ids: readonly number[], part: OverviewWire): OverviewWire {
  const fresh = new Map(part.sites.map((s) => [s.id, s]));
  const asked = new Set(ids);
  const sites: OverviewSiteWire[] = [];
  for (const s of current.sites) {
    if (!asked.has(s.id)) sites.push(s);
    else if (fresh.has(s.id)) sites.push(fresh.get(s.id)!);
  }
  // A site created elsewhere may show up in a checks event before the sites event reloads the list.
  const known = new Set(current.sites.map((s) => s.id));
  for (const s of part.sites) if (!known.has(s.id)) sites.push(s);
  return { ...current, at: Math.max(current.at, part.at), sites };
}

/** A site as the REST API returned it (after a create or an edit), kept with what the overview knew of it. */
export function upsertSite(current: OverviewWire, site: ApiSite): OverviewWire {
  const fields = Object.fromEntries(OVERVIEW_SITE_FIELDS.map((k) => [k, site[k]])) as Pick<ApiSite, (typeof OVERVIEW_SITE_FIELDS)[number]>;
  const existing = current.sites.find((s) => s.id === site.id);
  const merged: OverviewSiteWire = existing
    ? { ...existing, ...fields }
    : { ...fields, uptime24h: null, checks24h: 0, spark: { from: 0, bucketMs: 60_000, minutes: '' } };
  const sites = existing ? current.sites.map((s) => (s.id === site.id ? merged : s)) : [...current.sites, merged];
  return { ...current, sites };
}

export function removeSite(current: OverviewWire, id: number): OverviewWire {
  return { ...current, sites: current.sites.filter((s) => s.id !== id) };
}

/**
 * Reloads in one queue, one request at a time, so an older answer can never overwrite a newer one; what events
 * ask for while a request is out is folded into the next. A `checks` event reloads only the rows it names.
 */
class Refresher {
  constructor(private readonly update: (fn: (current: OverviewWire) => OverviewWire) => Promise<unknown>) {}

  private full = false;
  private ids = new Set<number>();
  private running = false;

  requestAll() {
    this.full = true;
    this.ids.clear();
    void this.pump();
  }

  requestSites(ids: readonly number[]) {
    if (!this.full) for (const id of ids) this.ids.add(id);
    void this.pump();
  }

  private async pump() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.full || this.ids.size > 0) {
        if (this.full) {
          this.full = false;
          this.ids.clear();
          const next = await fetchOverview();
          await this.update((current) => keepUnchanged(current, next));
        } else {
          const ids = [...this.ids].slice(0, 500);
          for (const id of ids) this.ids.delete(id);
          const part = await fetchOverview(ids);
          await this.update((current) => mergePart(current, ids, part));
        }
      }
    } catch {
      // Unreachable or failing: the event stream's reconnect reloads everything. An ended session (401) has
      // already sent the page to the login page (api-client.ts).
      this.full = false;
      this.ids.clear();
    } finally {
      this.running = false;
    }
  }
}

export type OverviewUpdate = (fn: (current: OverviewWire) => OverviewWire) => Promise<unknown>;

/**
 * The overview's data: the server-rendered reading first, then kept current by the live event stream — no
 * polling, and no reload of every site when only a few got results. `update` changes it locally (after an
 * add, edit or delete) without a request.
 */
export function useOverview(initial: OverviewWire): { data: OverviewWire; update: OverviewUpdate } {
  const { data } = useSWR<OverviewWire>(OVERVIEW_KEY, () => fetchOverview(), {
    fallbackData: initial,
    revalidateOnMount: false,
    revalidateIfStale: false,
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
  });
  // Until the first change the data lives only in fallbackData, not in SWR's cache: start from it.
  const [update] = useState<OverviewUpdate>(
    () => (fn: (current: OverviewWire) => OverviewWire) =>
      mutate<OverviewWire>(OVERVIEW_KEY, (current) => fn(current ?? initial), { revalidate: false }),
  );
  const [refresher] = useState(() => new Refresher(update));
  useLiveEvents({
    onOpen: () => refresher.requestAll(),
    onSites: () => refresher.requestAll(),
    onChecks: (ids) => refresher.requestSites(ids),
  });
  return { data: data ?? initial, update };
}
