'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState, type MouseEvent } from 'react';
import type { ApiSite } from '@/lib/api/present';
import { api } from './api-client';
import { RenderTimeContext } from './clock';
import { useLiveStatus } from './live-events';
import { Modal } from './modal';
import {
  FIRST_ROWS,
  compareSites,
  countStates,
  titleFor,
  type OverviewSiteWire,
  type OverviewWire,
} from './overview-types';
import { SiteForm } from './site-form';
import { SiteRow, type RowAction } from './site-row';
import { Summary } from './summary';
import { removeSite, upsertSite, useOverview } from './use-overview';

const MINUTE = 60_000;
/** How long "Checking…" may show when no result arrives (no checker running, say). */
const CHECKING_MAX_MS = 65_000;

type Dialog = { kind: 'add' } | { kind: 'edit'; id: number } | { kind: 'delete'; id: number } | null;

function matches(site: OverviewSiteWire, query: string): boolean {
  if (query === '') return true;
  return site.name.toLowerCase().includes(query) || site.url.toLowerCase().includes(query);
}

/** The overview page's live island: summary, search, the table of sites, and the add/edit/delete dialogs. */
export function Overview({ initial, canWrite = true }: { initial: OverviewWire; canWrite?: boolean }) {
  const { data, update } = useOverview(initial);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query.trim().toLowerCase());
  const [dialog, setDialog] = useState<Dialog>(null);
  const [announcement, setAnnouncement] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const formTitleId = useId();
  const deleteTitleId = useId();

  const counts = useMemo(() => data.partial?.counts ?? countStates(data.sites), [data]);
  const total = data.partial?.total ?? data.sites.length;
  const sorted = useMemo(() => [...data.sites].sort(compareSites), [data.sites]);
  const visible = useMemo(() => sorted.filter((s) => matches(s, deferredQuery)), [sorted, deferredQuery]);
  // The page arrives with the first rows (down first: the ones that matter); the others render after
  // hydration, in the background, so a thousand sites neither bloat the HTML nor freeze the page.
  const firstRows = useMemo(() => visible.slice(0, FIRST_ROWS), [visible]);
  const rows = useDeferredValue(visible, firstRows);
  // Sites waiting for a "check now" result, with the newest result they had when it was asked for.
  const [checking, setChecking] = useState<ReadonlyMap<number, string | null>>(new Map());
  // Every sparkline ends at the end of the newest reading's minute, so all rows share one time axis.
  const windowEnd = (Math.floor(data.at / MINUTE) + 1) * MINUTE;

  useDownSignal(counts.down);

  const say = useCallback((text: string) => {
    setAnnouncement(text);
    setActionError(null);
  }, []);

  const onAction = useCallback(
    async (action: RowAction, site: OverviewSiteWire): Promise<void> => {
      if (action === 'edit' || action === 'delete') {
        setDialog({ kind: action, id: site.id });
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

  const editing = dialog?.kind === 'edit' ? data.sites.find((s) => s.id === dialog.id) : undefined;
  const deleting = dialog?.kind === 'delete' ? data.sites.find((s) => s.id === dialog.id) : undefined;
  const closeDialog = useCallback(() => setDialog(null), []);

  const onSaved = async (site: ApiSite) => {
    const wasAdd = dialog?.kind === 'add';
    setDialog(null);
    await update((current) => upsertSite(current, site));
    say(wasAdd ? `Added ${site.name}; its first check is on its way` : `Saved ${site.name}`);
  };

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
        {total > 0 && <Summary counts={counts} total={total} />}
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
            {addButton('New site')}
          </div>
          <div className="table-wrap">
            <table role="table" className="sites-table">
              <caption className="visually-hidden">
                Sites, down first{deferredQuery ? `, matching “${deferredQuery}”` : ''}
              </caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th role="columnheader" scope="col">State</th>
                  <th role="columnheader" scope="col">Site</th>
                  <th role="columnheader" scope="col" className="num">
                    Status
                  </th>
                  <th role="columnheader" scope="col" className="num">
                    Latency
                  </th>
                  <th role="columnheader" scope="col">Last hour</th>
                  <th role="columnheader" scope="col" className="num">
                    Uptime (24 h)
                  </th>
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
                No site matches “{query.trim()}”.{' '}
                <button type="button" className="btn-link" onClick={() => setQuery('')}>
                  Clear the search
                </button>
              </p>
            )}
          </div>
        </>
      )}

      <Modal open={dialog?.kind === 'add' || editing !== undefined} onClose={closeDialog} labelledBy={formTitleId}>
        <SiteForm
          key={dialog?.kind === 'edit' ? `edit-${dialog.id}` : 'add'}
          site={editing}
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

      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </RenderTimeContext>
  );
}

function ConfirmDelete({
  site,
  titleId,
  onCancel,
  onDeleted,
}: {
  site: OverviewSiteWire;
  titleId: string;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    const result = await api.deleteSite(site.id);
    setBusy(false);
    // Already gone (deleted in another tab) is what was asked for.
    if (result.ok || result.status === 404) onDeleted();
    else setError(result.message);
  };
  return (
    <div className="confirm">
      <h2 id={titleId} className="modal-title">
        Delete {site.name}?
      </h2>
      <p>
        Upbeat stops checking <strong>{site.url}</strong> and forgets its history. This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        {/* Cancel first and focused: the safe choice is the default one. */}
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
          Delete site
        </button>
      </div>
    </div>
  );
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
