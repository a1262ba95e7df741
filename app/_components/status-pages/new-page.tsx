'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { flashToast } from '../toast';
import { PageForm } from './page-form';
import type { SiteChoice } from './page-sites-editor';

/** A new status page: once created, its edit view opens, where posts are written. */
export function NewPage({ sites, publicUrl }: { sites: readonly SiteChoice[]; publicUrl: string | null }) {
  const router = useRouter();
  return (
    <PageForm
      sites={sites}
      publicUrl={publicUrl}
      onSaved={(saved) => {
        flashToast(`Created ${saved.title}: public at /status/${saved.slug}`);
        router.push(`/settings/status-pages/${saved.id}`);
      }}
      cancel={
        <Link href="/settings/status-pages" className="btn">
          Cancel
        </Link>
      }
    />
  );
}
