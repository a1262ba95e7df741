import type { Db } from './connection';

/** A public status page as the owner set it up. Times epoch ms. */
export interface StatusPage {
  id: number;
  slug: string;
  title: string;
  description: string;
  logoUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export type StatusPageFields = Pick<StatusPage, 'slug' | 'title' | 'description' | 'logoUrl'>;

/** A site as a page lists it: in order, under a group ('' for none), with its URL shown or not. */
export interface StatusPageEntry {
  siteId: number;
  group: string;
  showUrl: boolean;
}

/** What the public page reads of a listed site: its name, state, and URL only where the owner chose to show it. */
export interface StatusPageSite extends StatusPageEntry {
  name: string;
  /** Null unless `showUrl`: a hidden URL never leaves the database through a page. */
  url: string | null;
  state: string;
}

/** One day of one site's checks (UTC day start). */
export interface SiteDay {
  siteId: number;
  t: number;
  checks: number;
  up: number;
}

/** An incident of a listed site, for the page's history. */
export interface PageIncident {
  siteId: number;
  kind: string;
  startedAt: number;
  resolvedAt: number | null;
}

export interface StatusPageVerbs {
  listStatusPages(): StatusPage[];
  getStatusPage(id: number): StatusPage | undefined;
  getStatusPageBySlug(slug: string): StatusPage | undefined;
  /** Throws SQLITE_CONSTRAINT_UNIQUE when the slug is taken (lib/status maps it to 409). */
  createStatusPage(fields: StatusPageFields, now?: number): StatusPage;
  updateStatusPage(id: number, fields: StatusPageFields, now?: number): StatusPage | undefined;
  deleteStatusPage(id: number): boolean;
  /** Replaces the page's sites with `entries`, in that order, in one transaction; unknown site ids are skipped. */
  setStatusPageSites(pageId: number, entries: readonly StatusPageEntry[]): void;
  statusPageSites(pageId: number): StatusPageSite[];
  /** Day rollups of the given sites from `from` (UTC day start) on. */
  siteDays(siteIds: readonly number[], from: number): SiteDay[];
  /** Incidents of the given sites open at or after `since`. */
  incidentsSince(siteIds: readonly number[], since: number): PageIncident[];
}

interface PageRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  logo_url: string | null;
  created_at: number;
  updated_at: number;
}

const toPage = (r: PageRow): StatusPage => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  description: r.description,
  logoUrl: r.logo_url,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const PAGE_COLUMNS = 'id, slug, title, description, logo_url, created_at, updated_at';

export function createStatusPageVerbs(db: Db): StatusPageVerbs {
  const list = db.prepare<[], PageRow>(`SELECT ${PAGE_COLUMNS} FROM status_pages ORDER BY title, id`);
  const byId = db.prepare<[number], PageRow>(`SELECT ${PAGE_COLUMNS} FROM status_pages WHERE id = ?`);
  const bySlug = db.prepare<[string], PageRow>(`SELECT ${PAGE_COLUMNS} FROM status_pages WHERE slug = ?`);
  const insert = db.prepare(
    `INSERT INTO status_pages (slug, title, description, logo_url, created_at, updated_at)
     VALUES (@slug, @title, @description, @logoUrl, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE status_pages SET slug = @slug, title = @title, description = @description, logo_url = @logoUrl,
       updated_at = @now WHERE id = @id`,
  );
  const del = db.prepare<[number]>(`DELETE FROM status_pages WHERE id = ?`);
  const clearSites = db.prepare<[number]>(`DELETE FROM status_page_sites WHERE page_id = ?`);
  const addSite = db.prepare(
    `INSERT OR IGNORE INTO status_page_sites (page_id, site_id, position, group_name, show_url)
     SELECT @pageId, id, @position, @group, @showUrl FROM sites WHERE id = @siteId`,
  );
  const sites = db.prepare<
    [number],
    { site_id: number; group_name: string; show_url: number; name: string; url: string; state: string }
  >(
    `SELECT p.site_id, p.group_name, p.show_url, s.name, s.url, s.state
     FROM status_page_sites p JOIN sites s ON s.id = p.site_id WHERE p.page_id = ? ORDER BY p.position`,
  );
  const days = db
    .prepare<[number, number], [number, number, number]>(`SELECT t, checks, up FROM rollup_day WHERE site_id = ? AND t >= ? ORDER BY t`)
    .raw(true);
  const incidents = db.prepare<[number, number], { kind: string; started_at: number; resolved_at: number | null }>(
    `SELECT kind, started_at, resolved_at FROM incidents
     WHERE site_id = ? AND (resolved_at IS NULL OR resolved_at >= ?) ORDER BY started_at DESC LIMIT 200`,
  );

  const setSitesTx = db.transaction((pageId: number, entries: readonly StatusPageEntry[]) => {
    clearSites.run(pageId);
    entries.forEach((e, position) =>
      addSite.run({ pageId, siteId: e.siteId, position, group: e.group, showUrl: e.showUrl ? 1 : 0 }),
    );
  });

  return {
    listStatusPages: () => list.all().map(toPage),
    getStatusPage(id) {
      const row = byId.get(id);
      return row ? toPage(row) : undefined;
    },
    getStatusPageBySlug(slug) {
      const row = bySlug.get(slug);
      return row ? toPage(row) : undefined;
    },
    createStatusPage(fields, now = Date.now()) {
      const id = Number(insert.run({ ...fields, now }).lastInsertRowid);
      return toPage(byId.get(id)!);
    },
    updateStatusPage(id, fields, now = Date.now()) {
      if (update.run({ ...fields, now, id }).changes === 0) return undefined;
      return toPage(byId.get(id)!);
    },
    deleteStatusPage: (id) => del.run(id).changes === 1,
    setStatusPageSites: (pageId, entries) => setSitesTx(pageId, entries),
    statusPageSites(pageId) {
      return sites.all(pageId).map((r) => ({
        siteId: r.site_id,
        group: r.group_name,
        showUrl: r.show_url === 1,
        name: r.name,
        url: r.show_url === 1 ? r.url : null,
        state: r.state,
      }));
    },
    siteDays(siteIds, from) {
      const out: SiteDay[] = [];
      for (const siteId of siteIds) {
        for (const [t, checks, up] of days.all(siteId, from)) out.push({ siteId, t, checks, up });
      }
      return out;
    },
    incidentsSince(siteIds, since) {
      const out: PageIncident[] = [];
      for (const siteId of siteIds) {
        for (const r of incidents.all(siteId, since)) {
          out.push({ siteId, kind: r.kind, startedAt: r.started_at, resolvedAt: r.resolved_at });
        }
      }
      return out;
    },
  };
}
