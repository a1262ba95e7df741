'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ManagedNote } from '../managed-note';
import { Modal } from '../modal';
import { useToast } from '../toast';
import { ConfirmDeletePage } from './confirm-delete-page';
import { PageForm } from './page-form';
import type { SiteChoice } from './page-sites-editor';
import { PagePosts } from './page-posts';
import type { PostWire, StatusPageWire } from './status-pages-api';

/** A status page's edit view: its settings, the way to its public page, its posts, and delete. */
export function PageEditor({
  initial,
  posts,
  sites,
  publicUrl,
}: {
  initial: StatusPageWire;
  posts: PostWire[];
  sites: readonly SiteChoice[];
  publicUrl: string | null;
}) {
  const router = useRouter();
  const [page, setPage] = useState(initial);
  const [deleting, setDeleting] = useState(false);
  const { region, show } = useToast();

  return (
    <>
      <p>
        <a href={`/status/${page.slug}`} target="_blank" rel="noopener" data-testid="public-link">
          Open the public page /status/{page.slug}
          <span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      </p>
      {page.managedBy ? (
        <p>
          <ManagedNote file={page.managedBy} />
        </p>
      ) : (
        <PageForm
          page={page}
          sites={sites}
          publicUrl={publicUrl}
          onSaved={(saved) => {
            setPage(saved);
            show(`Saved ${saved.title}`);
            // The heading above is the server's: read it again for a new title.
            router.refresh();
          }}
          cancel={
            <button type="button" className="btn btn-danger-quiet" onClick={() => setDeleting(true)}>
              Delete page
            </button>
          }
        />
      )}
      <PagePosts pageId={page.id} initial={posts} />
      <p>
        <Link href="/settings/status-pages">← All status pages</Link>
      </p>
      <Modal open={deleting} onClose={() => setDeleting(false)} labelledBy="delete-page-title" className="modal-small">
        {deleting && (
          <ConfirmDeletePage
            page={page}
            titleId="delete-page-title"
            onCancel={() => setDeleting(false)}
            onDeleted={() => router.push('/settings/status-pages')}
          />
        )}
      </Modal>
      {region}
    </>
  );
}
