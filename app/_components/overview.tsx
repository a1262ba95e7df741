'use client';

import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { ApiSite } from '@/lib/api/present';
import type { SiteState } from '@/db/domain';
import { api } from './api-client';
import { RenderTimeContext } from './clock';
import { ConfirmDelete } from './confirm-delete';
import { Modal } from './modal';
import { EmptyOverview, LiveNotice, OverviewToolbar } from './overview-parts';
import { OverviewTable } from './overview-table';
import { matchesQuery, queryWords } from './overview-target';
import { countStates, titleFor, type OverviewSiteWire, type OverviewWire } from './overview-types';
import { applyView, sortOptionLabel, toggleState, writeView, type OverviewView } from './overview-view';
import { SiteForm, type KnownSite } from './site-form';
import type { RowAction } from './site-row';
import { Summary } from './summary';
import { useToast } from './toast';
import { removeSite, upsertSite, useOverview } from './use-overview';

const MINUTE = 60_000;
/** How long "Checking…" may show when no result arrives (no checker running, say). */
const CHECKING_MAX_MS = 65_000;

type Dialog = { kind: 'add' } | { kind: 'edit'; site: ApiSite } | { kind: 'delete'; id: number } | null;

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
  const visible = useMemo(() => {
    const words = queryWords(deferredQuery);
    return words.length === 0 ? sorted : sorted.filter((s) => matchesQuery(s, words));
  }, [sorted, deferredQuery]);
  const knownSites = useMemo<KnownSite[]>(() => data.sites.map(({ id, name, url }) => ({ id, name, url })), [data.sites]);
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
        <EmptyOverview canWrite={canWrite} addButton={addButton('Add your first site')} />
      ) : (
        <>
          <OverviewToolbar query={query} onQuery={setQuery} view={view} onView={setView} addButton={addButton('New site')} />
          <div className="table-wrap">
            <OverviewTable
              sites={visible}
              caption={
                `Sites${filterWords ? ` ${filterWords}` : ''}, sorted by ${sortOptionLabel(view.sort, view.dir)}` +
                (deferredQuery ? `, matching “${deferredQuery}”` : '')
              }
              view={view}
              onView={setView}
              windowEnd={windowEnd}
              checking={checking}
              canWrite={canWrite}
              onAction={(action, site) => void onAction(action, site)}
            />
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
