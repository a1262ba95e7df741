'use client';

import Link from 'next/link';
import { useState } from 'react';
import useSWR from 'swr';
import { unwrap } from '../api-client';
import { ManagedNote } from '../managed-note';
import { Modal } from '../modal';
import { ConfirmDeletePage } from './confirm-delete-page';
import { pagesKey, statusPagesApi, type StatusPageWire } from './status-pages-api';
import styles from './status-pages.module.css';

const siteCount = (n: number) => (n === 1 ? '1 site' : `${n} sites`);

/** Settings → Status pages: every page with its public link and number of sites; edit, delete, or start one. */
export function StatusPageList({ initial }: { initial: StatusPageWire[] }) {
  const { data, mutate } = useSWR(pagesKey, async () => unwrap(await statusPagesApi.list()), { fallbackData: initial });
  const pages = data ?? initial;
  const [deleting, setDeleting] = useState<StatusPageWire | null>(null);

  return (
    <>
      <div className={styles.head}>
        <p className={styles.muted}>Public pages that show your visitors how your sites are doing, without a login.</p>
        <Link href="/settings/status-pages/new" className="btn btn-primary">
          New status page
        </Link>
      </div>
      {pages.length === 0 ? (
        <div className={`empty-state ${styles.empty}`}>
          <h2>No status pages yet</h2>
          <p>
            A status page is a public page at <code>/status/your-name</code> that your customers can check before they
            write to support: the sites you choose, their uptime over 90 days, and the incident posts and maintenance
            notices you write. It shows nothing else — no addresses unless you say so, no settings.
          </p>
          <Link href="/settings/status-pages/new" className="btn btn-primary">
            Create your first status page
          </Link>
        </div>
      ) : (
        <ul className={styles.list} aria-label="Status pages">
          {pages.map((p) => (
            <li key={p.id} className={styles.item} data-page={p.id}>
              <div className={styles.what}>
                <h2 className={styles.name}>
                  <Link href={`/settings/status-pages/${p.id}`}>{p.title}</Link>
                </h2>
                <p className={styles.muted}>
                  <a href={`/status/${p.slug}`} target="_blank" rel="noopener">
                    /status/{p.slug}
                    <span className="visually-hidden"> (public page, opens in a new tab)</span>
                  </a>
                  {` · ${siteCount(p.sites.length)}`}
                </p>
              </div>
              <div className="row-actions">
                {p.managedBy ? (
                  <>
                    <ManagedNote file={p.managedBy} />
                    <Link href={`/settings/status-pages/${p.id}`} className="btn btn-small" aria-label={`Posts of ${p.title}`}>
                      Posts
                    </Link>
                  </>
                ) : (
                  <>
                    <Link href={`/settings/status-pages/${p.id}`} className="btn btn-small" aria-label={`Edit ${p.title}`}>
                      Edit
                    </Link>
                    <button
                      type="button"
                      className="btn btn-small btn-danger-quiet"
                      aria-label={`Delete ${p.title}`}
                      onClick={() => setDeleting(p)}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <Modal open={deleting !== null} onClose={() => setDeleting(null)} labelledBy="delete-page-title" className="modal-small">
        {deleting && (
          <ConfirmDeletePage
            page={deleting}
            titleId="delete-page-title"
            onCancel={() => setDeleting(null)}
            onDeleted={() => {
              setDeleting(null);
              void mutate(
                pages.filter((p) => p.id !== deleting.id),
                { revalidate: true },
              );
            }}
          />
        )}
      </Modal>
    </>
  );
}
