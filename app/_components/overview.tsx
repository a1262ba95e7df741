'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState, type MouseEvent } from 'react';
import type { ApiSite } from '@/lib/api/present';
import type { SiteState } from '@/db/domain';
import { api } from './api-client';
import { RenderTimeContext } from './clock';
import { ConfirmDelete } from './confirm-delete';
import { useLiveStatus } from './live-events';
import { Modal } from './modal';
import styles from './overview.module.css';
import { FIRST_ROWS, countStates, titleFor, type OverviewSiteWire, type OverviewWire } from './overview-types';
import {
  SORT_KEYS,
  applyView,
  sortBy,
  toggleState,
  writeView,
  type OverviewView,
  type SortDir,
  type SortKey,
} from './overview-view';
import { SiteForm, type KnownSite } from './site-form';
import { SiteRow, type RowAction } from './site-row';
import { Summary } from './summary';
import { useToast } from './toast';
import { removeSite, upsertSite, useOverview } from './use-overview';

const MINUTE = 60_000;
/** How long "Checking…" may show when no result arrives (no checker running, say). */
const CHECKING_MAX_MS = 65_000;

type Dialog = { kind: 'add' } | { kind: 'edit'; site: ApiSite } | { kind: 'delete'; id: number } | null;

function matches(site: OverviewSiteWire, query: string): boolean {
  if (query === '') return true;
  return site.name.toLowerCase().includes(query) || site.url.toLowerCase().includes(query);
}

const SORT_LABELS: Record<SortKey, string> = { state: 'State', name: 'Site', latency: 'Latency', uptime: 'Uptime (24 h)' };
const STATE_WORDS: Record<SiteState, string> = {
  down: 'down',
  degraded: 'degraded',
  up: 'up',
  pending: 'pending',
  paused: 'paused',
};

/** The view in the address bar, without a navigation: a reload or a shared link shows the same list. */
function showViewInUrl(view: OverviewView) {
  const url = new URL(window.location.href);
  url.search = writeView(url.searchParams, view).toString();
  window.history.replaceState(window.history.state, '', url);
}

/** The overview page's live island: summary, search, the table of sites, and the add/edit/delete dialogs. */
export function Overview({
  initial,
  initialView,
  canWrite = true,
}: {
  initial: OverviewWire;
  /** Filter and order from the page's query (see overview-view.ts). */
  initialView: OverviewView;
  canWrite?: boolean;
}) {
  const { data, update } = useOverview(initial);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const [view, setViewState] = useState<OverviewView>(initialView);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { region: toastRegion, show: toast } = useToast();
  const formTitleId = useId();
  const deleteTitleId = useId();

  const setView = useCallback((next: OverviewView) => {
    setViewState(next);
    showViewInUrl(next);
  }, []);

  const counts = useMemo(() => data.partial?.counts ?? countStates(data.sites), [data]);
  const total = data.partial?.total ?? data.sites.length;
  const sorted = useMemo(() => applyView(data.sites, view), [data.sites, view]);
  const visible = useMemo(() => sorted.filter((s) => matches(s, deferredQuery)), [sorted, deferredQuery]);
  const knownSites = useMemo<KnownSite[]>(() => data.sites.map(({ id, name, url }) => ({ id, name, url })), [data.sites]);
  // The page arrives with the first rows (down first: the ones that matter); the others render after
  // hydration, in the background, so a thousand sites neither bloat the HTML nor freeze the page.
  const firstRows = useMemo(() => visible.slice(0, FIRST_ROWS), [visible]);
  const rows = useDeferredValue(visible, firstRows);
  // Sites waiting for a "check now" result, with the newest result they had when it was asked for.
  const [checking, setChecking] = useState<ReadonlyMap<number, string | null>>(new Map());
  // Every sparkline ends at the end of the newest reading's minute, so all rows share one time axis.
  const windowEnd = (Math.floor(data.at / MINUTE) + 1) * MINUTE;

  useDownSignal(counts.down);

  const say = useCallback(
    (text: string, tone?: 'warn') => {
      toast(text, tone);
      setActionError(null);
    },
    [toast],
  );

  const onAction = useCallback(
    async (action: RowAction, site: OverviewSiteWire): Promise<void> => {
      if (action === 'delete') {
        setDialog({ kind: 'delete', id: site.id });
        return;
      }
      if (action === 'edit') {
        // The overview carries only what it shows; the form needs every setting, as stored now.
        const result = await api.getSite(site.id);
        if (result.ok) setDialog({ kind: 'edit', site: result.value });
        else setActionError(`Could not open ${site.name} for editing: ${result.message}`);
        return;
      }
      if (action === 'check') {
        const before = site.lastCheck?.checkedAt ?? null;
        setChecking((m) => new Map(m).set(site.id, before));
        const forget = () =>
          setChecking((m) => {
            if (m.get(site.id) !== before) return m;
            const next = new Map(m);
            next.delete(site.id);
            return next;
          });
        setTimeout(forget, CHECKING_MAX_MS);
        const result = await api.checkNow(site.id);
        if (!result.ok) {
          forget();
          setActionError(`Could not ask for a check of ${site.name}: ${result.message}`);
        } else say(`Checking ${site.name}`);
        return;
      }
      const paused = action === 'pause';
      const result = await api.updateSite(site.id, { paused });
      if (!result.ok) {
        setActionError(`Could not ${action} ${site.name}: ${result.message}`);
        return;
      }
      await update((current) => upsertSite(current, result.value));
      say(`${paused ? 'Paused' : 'Resumed'} ${site.name}`);
    },
    [update, say],
  );

  // One listener for every row's buttons and links (see SiteRow).
  const router = useRouter();
  const onTableClick = (e: MouseEvent<HTMLTableSectionElement>) => {
    const el = (e.target as Element).closest<HTMLElement>('button[data-action], a[data-nav]');
    const id = Number(el?.closest<HTMLElement>('tr[data-site-id]')?.dataset.siteId);
    if (!el || !Number.isFinite(id)) return;
    if (el.tagName === 'A') {
      // A plain left click navigates in the app; new tabs and windows are the browser's business.
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      router.push(el.getAttribute('href') ?? '/');
      return;
    }
    const site = data.sites.find((s) => s.id === id);
    if (!site || el.getAttribute('aria-disabled') === 'true') return;
    void onAction(el.dataset.action as RowAction, site);
  };

  const editing = dialog?.kind === 'edit' ? dialog.site : undefined;
  const deleting = dialog?.kind === 'delete' ? data.sites.find((s) => s.id === dialog.id) : undefined;
  const closeDialog = useCallback(() => setDialog(null), []);

  const onSaved = async (site: ApiSite, duplicateOf: KnownSite | undefined) => {
    const wasAdd = dialog?.kind === 'add';
    setDialog(null);
    await update((current) => upsertSite(current, site));
    const done = wasAdd ? `Added ${site.name}; its first check is on its way` : `Saved ${site.name}`;
    if (duplicateOf) say(`${done}. The same URL is also monitored as ${duplicateOf.name}.`, 'warn');
    else say(done);
  };

  const sortHeader = (key: SortKey, className?: string) => {
    const active = view.sort === key;
    const ariaSort = active ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined;
    return (
      <th role="columnheader" scope="col" className={className} aria-sort={ariaSort}>
        <button type="button" className={styles.sortButton} onClick={() => setView(sortBy(view, key))}>
          {SORT_LABELS[key]}
          <span className={styles.sortMark} aria-hidden="true" data-active={active || undefined}>
            {active ? (view.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  const filterWords = view.states.map((s) => STATE_WORDS[s]).join(' or ');

  const addButton = (label: string) =>
    canWrite && (
      <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'add' })}>
        <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
          <path d="M7 1v12M1 7h12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        {label}
      </button>
    );

  return (
    <RenderTimeContext value={initial.at}>
      <LiveNotice />
      <div className="overview-head">
        <h1 className="page-title">Sites</h1>
        {total > 0 && (
          <Summary
            counts={counts}
            total={total}
            selected={view.states}
            onToggle={(state) => setView(toggleState(view, state))}
          />
        )}
      </div>

      {actionError && (
        <p className="banner banner-error" role="alert">
          {actionError}
          <button type="button" className="btn btn-small" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </p>
      )}

      {total === 0 ? (
        <section className="empty-state" aria-labelledby="empty-title">
          <svg width="56" height="56" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="var(--surface-2)" />
            <path
              d="M5 17h6l3-7 4 13 3-6h6"
              fill="none"
              stroke="var(--accent)"
              strokeWidth="2.2"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
          <h2 id="empty-title">Nothing watched yet</h2>
          <p>
            {canWrite
              ? 'Add the first site and Upbeat checks it right away, then on its interval, and shows here the moment it goes down.'
              : 'The owner has not added any site yet.'}
          </p>
          {addButton('Add your first site')}
        </section>
      ) : (
        <>
          <div className="toolbar">
            <div className="search">
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
                <circle cx="7" cy="7" r="5" fill="none" stroke="currentColor" strokeWidth="1.6" />
                <path d="M11 11l3.5 3.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
              </svg>
              <input
                type="search"
                aria-label="Search sites by name or URL"
                placeholder="Search name or URL"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
            </div>
            <label className={styles.sortSelect}>
              <span className="visually-hidden">Sort by</span>
              <select
                value={`${view.sort}:${view.dir}`}
                onChange={(e) => {
                  const [sort, dir] = e.target.value.split(':') as [SortKey, SortDir];
                  setView({ ...view, sort, dir });
                }}
              >
                {SORT_KEYS.flatMap((key) =>
                  (['asc', 'desc'] as const).map((dir) => (
                    <option key={`${key}:${dir}`} value={`${key}:${dir}`}>
                      {sortOptionLabel(key, dir)}
                    </option>
                  )),
                )}
              </select>
            </label>
            {addButton('New site')}
          </div>
          <div className="table-wrap">
            <table role="table" className="sites-table">
              <caption className="visually-hidden">
                Sites{filterWords ? ` ${filterWords}` : ''}, sorted by {sortOptionLabel(view.sort, view.dir)}
                {deferredQuery ? `, matching “${deferredQuery}”` : ''}
              </caption>
              <thead role="rowgroup">
                <tr role="row">
                  {sortHeader('state')}
                  {sortHeader('name')}
                  <th role="columnheader" scope="col" className="num">
                    Status
                  </th>
                  {sortHeader('latency', 'num')}
                  <th role="columnheader" scope="col">Last hour</th>
                  {sortHeader('uptime', 'num')}
                  <th role="columnheader" scope="col">Checked</th>
                  <th role="columnheader" scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup" onClick={onTableClick}>
                {rows.map((site) => (
                  <SiteRow
                    key={site.id}
                    site={site}
                    windowEnd={windowEnd}
                    checking={checking.has(site.id) && checking.get(site.id) === (site.lastCheck?.checkedAt ?? null)}
                    canWrite={canWrite}
                  />
                ))}
              </tbody>
            </table>
            {visible.length === 0 && (
              <p className="no-match">
                {query.trim() !== '' ? `No ${filterWords ? `${filterWords} ` : ''}site matches “${query.trim()}”.` : `No site is ${filterWords}.`}{' '}
                <button
                  type="button"
                  className="btn-link"
                  onClick={() => {
                    setQuery('');
                    setView({ ...view, states: [] });
                  }}
                >
                  {filterWords ? 'Show every site' : 'Clear the search'}
                </button>
              </p>
            )}
          </div>
        </>
      )}

      <Modal open={dialog?.kind === 'add' || editing !== undefined} onClose={closeDialog} labelledBy={formTitleId}>
        <SiteForm
          key={dialog?.kind === 'edit' ? `edit-${dialog.site.id}` : 'add'}
          site={editing}
          knownSites={knownSites}
          titleId={formTitleId}
          onSaved={onSaved}
          onCancel={closeDialog}
        />
      </Modal>

      <Modal open={deleting !== undefined} onClose={closeDialog} labelledBy={deleteTitleId} className="modal-small">
        {deleting && (
          <ConfirmDelete
            site={deleting}
            titleId={deleteTitleId}
            onCancel={closeDialog}
            onDeleted={async () => {
              setDialog(null);
              await update((current) => removeSite(current, deleting.id));
              say(`Deleted ${deleting.name}`);
            }}
          />
        )}
      </Modal>

      {toastRegion}
    </RenderTimeContext>
  );
}

function sortOptionLabel(key: SortKey, dir: SortDir): string {
  switch (key) {
    case 'state':
      return dir === 'asc' ? 'state, down first' : 'state, paused first';
    case 'name':
      return dir === 'asc' ? 'name, A to Z' : 'name, Z to A';
    case 'latency':
      return dir === 'asc' ? 'latency, fastest first' : 'latency, slowest first';
    case 'uptime':
      return dir === 'asc' ? 'uptime, lowest first' : 'uptime, highest first';
  }
}

/** When the stream drops, say so: the list may be out of date until it reconnects (which it does by itself). */
function LiveNotice() {
  const status = useLiveStatus();
  if (status !== 'reconnecting') return null;
  return (
    <p className="banner banner-warning" role="status">
      Live updates interrupted. Reconnecting…
    </p>
  );
}

/** The tab's title and icon tell how many sites are down, so it shows from another tab. */
function useDownSignal(down: number) {
  useEffect(() => {
    document.title = titleFor(down);
    const href = down > 0 ? '/favicon-down.svg' : '/favicon.svg';
    for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')) {
      if (link.getAttribute('href') !== href) link.setAttribute('href', href);
    }
  }, [down]);
}
