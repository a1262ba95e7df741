'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import useSWR from 'swr';
import { api } from '@/app/_components/api-client';
import { ConfirmDelete } from '@/app/_components/confirm-delete';
import { ManagedNote } from '@/app/_components/managed-note';
import { Modal } from '@/app/_components/modal';
import { SiteForm, type KnownSite } from '@/app/_components/site-form';
import { flashToast, type ToastTone } from '@/app/_components/toast';
import type { ApiSite } from '@/lib/api/present';
import styles from './site.module.css';

async function fetchKnownSites(url: string): Promise<KnownSite[]> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const { sites } = (await res.json()) as { sites: ApiSite[] };
  return sites.map(({ id, name, url: siteUrl }) => ({ id, name, url: siteUrl }));
}

/**
 * What the overview's row offers, on the site's own page: check now, pause or resume, edit (the same form),
 * delete (the same confirmation, then back to the overview, which says it is done).
 */
export function SiteActions({
  site,
  managedBy,
  onChanged,
  onLeaving,
  say,
}: {
  site: ApiSite;
  /** The file that declares the site: it changes there, so no pause, edit or delete here. */
  managedBy: string | null;
  /** Reload the page's data (after a pause, an edit). */
  onChanged: () => void;
  /** The site is being deleted (true) or the delete failed (false): the page stops reloading a site that is going. */
  onLeaving: (leaving: boolean) => void;
  /** A short confirmation for the toast. */
  say: (text: string, tone?: ToastTone) => void;
}) {
  const router = useRouter();
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'check' | 'pause' | null>(null);
  const formTitleId = useId();
  const deleteTitleId = useId();
  // The list is read only for the form's duplicate-URL warning, and only once the form opens.
  const known = useSWR<KnownSite[]>(dialog === 'edit' ? '/api/sites' : null, fetchKnownSites, {
    revalidateOnFocus: false,
  });

  const checkNow = async () => {
    setBusy('check');
    const result = await api.checkNow(site.id);
    setBusy(null);
    if (!result.ok) setError(`Could not ask for a check of ${site.name}: ${result.message}`);
    else {
      setError(null);
      say(`Checking ${site.name}; the result shows here in a moment`);
    }
  };

  const setPaused = async (paused: boolean) => {
    setBusy('pause');
    const result = await api.updateSite(site.id, { paused });
    setBusy(null);
    if (!result.ok) {
      setError(`Could not ${paused ? 'pause' : 'resume'} ${site.name}: ${result.message}`);
      return;
    }
    setError(null);
    onChanged();
    say(`${paused ? 'Paused' : 'Resumed'} ${site.name}`);
  };

  return (
    <>
      <div className={styles.actions} role="group" aria-label="Site actions">
        <button
          type="button"
          className="btn btn-small"
          onClick={checkNow}
          disabled={site.paused || busy === 'check'}
        >
          {busy === 'check' ? 'Asking…' : 'Check now'}
        </button>
        {managedBy !== null ? (
          <ManagedNote file={managedBy} />
        ) : (
          <>
            <button type="button" className="btn btn-small" onClick={() => setPaused(!site.paused)} disabled={busy === 'pause'}>
              {site.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setDialog('edit')}>
              Edit
            </button>
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setDialog('delete')}>
              Delete
            </button>
          </>
        )}
      </div>
      {error && (
        <p className={`banner banner-error ${styles.actionError}`} role="alert">
          {error}
          <button type="button" className="btn btn-small" onClick={() => setError(null)}>
            Dismiss
          </button>
        </p>
      )}

      <Modal open={dialog === 'edit'} onClose={() => setDialog(null)} labelledBy={formTitleId}>
        <SiteForm
          site={site}
          knownSites={known.data}
          titleId={formTitleId}
          onCancel={() => setDialog(null)}
          onSaved={(saved, duplicateOf) => {
            setDialog(null);
            onChanged();
            if (duplicateOf) say(`Saved ${saved.name}. The same URL is also monitored as ${duplicateOf.name}.`, 'warn');
            else say(`Saved ${saved.name}`);
          }}
        />
      </Modal>

      <Modal open={dialog === 'delete'} onClose={() => setDialog(null)} labelledBy={deleteTitleId} className="modal-small">
        <ConfirmDelete
          site={site}
          titleId={deleteTitleId}
          onCancel={() => setDialog(null)}
          onPending={onLeaving}
          onDeleted={() => {
            flashToast(`Deleted ${site.name}`);
            router.push('/');
          }}
        />
      </Modal>
    </>
  );
}
