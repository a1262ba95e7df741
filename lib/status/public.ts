import { AppError } from '../errors';
import { getStore } from '../store';
import { renderAtom } from './feed';
import { buildStatusPage, type StatusPageData } from './page-data';
import { statusPageCsp } from './page-csp';
import { renderStatusPage, STATUS_PAGE_STYLE } from './render-page';
import { publicCache, type CachedBody } from './short-cache';

/**
 * The public views of a status page — HTML, JSON and Atom — each built at most once per few seconds per page
 * (see short-cache.ts) from one read of the page's data. An unknown slug is a 404, and is not cached.
 */

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

function dataOf(slug: string, now: number): StatusPageData {
  const data = SLUG.test(slug) ? buildStatusPage(getStore(), slug, now) : null;
  if (!data) throw new AppError('not_found', 'No status page here');
  return data;
}

export type PublicView = 'html' | 'json' | 'atom';

export function publicView(slug: string, view: PublicView, origin: string, now = Date.now()): CachedBody {
  return publicCache().get(`page:${view}:${view === 'atom' ? origin : ''}:${slug}`, () => {
    const data = dataOf(slug, now);
    if (view === 'json') return { body: JSON.stringify(data), contentType: 'application/json' };
    if (view === 'atom') return { body: renderAtom(data, origin), contentType: 'application/atom+xml; charset=utf-8' };
    return {
      body: renderStatusPage(data),
      contentType: 'text/html; charset=utf-8',
      headers: { 'content-security-policy': statusPageCsp(STATUS_PAGE_STYLE, data.logoUrl) },
    };
  }, now);
}
