import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../lib/errors';
import { bannerOf, buildStatusPage } from '../../../lib/status/page-data';
import { renderAtom } from '../../../lib/status/feed';
import { renderStatusPage } from '../../../lib/status/render-page';
import { addPostUpdate, createPost, savePage } from '../../../lib/status/pages';
import { newCheck, newSite } from '../../helpers/factories';
import { tempStore } from '../../helpers/temp-store';

const DAY = 86_400_000;

test('the banner follows the shown sites: paused and unchecked sites do not count', () => {
  assert.equal(bannerOf(['up', 'up', 'paused']).level, 'operational');
  assert.equal(bannerOf(['up', 'degraded']).level, 'degraded');
  assert.equal(bannerOf(['up', 'down']).level, 'partial');
  assert.equal(bannerOf(['down', 'down', 'pending']).level, 'major');
  assert.equal(bannerOf(['paused', 'pending']).level, 'unknown');
  assert.equal(bannerOf([]).text, 'Status not known yet');
});

test('a page shows its sites in order and by group, day bars from the rollups, and nothing of other sites', (t) => {
  const store = tempStore(t);
  const now = Date.now();
  // Website's one failure is not confirmed (confirmAfter 2): a day at 50 % with no incident. API's failure is
  // confirmed on the spot (confirmAfter 1), so the store opens a real incident in the check's transaction.
  const web = store.createSite(
    newSite({ name: 'Website', url: 'https://secret-origin.internal/health', headers: { authorization: 'Bearer s3cr3t-header' }, confirmAfter: 2 }),
  );
  const api = store.createSite(newSite({ name: 'API', url: 'https://api.example.com/' }));
  const other = store.createSite(newSite({ name: 'Hidden admin', url: 'https://admin.internal/' }));
  store.recordChecks([
    newCheck(web.id, now - 2 * DAY),
    newCheck(web.id, now - 2 * DAY + 60_000, { ok: false, statusCode: 503, error: { kind: 'status', message: 'HTTP 503' } }),
    newCheck(web.id, now - 60_000),
    newCheck(api.id, now - 60_000, { ok: false, statusCode: null, error: { kind: 'refused', message: 'refused' } }),
    newCheck(other.id, now - 60_000),
  ]);
  savePage(store, {
    slug: 'acme',
    title: 'Acme',
    sites: [
      { siteId: api.id, group: 'Backend', showUrl: true },
      { siteId: web.id, group: 'Frontend' },
    ],
  });

  const data = buildStatusPage(store, 'acme', now)!;
  assert.deepEqual(data.groups.map((g) => [g.name, g.sites.map((s) => s.name)]), [['Backend', ['API']], ['Frontend', ['Website']]]);
  assert.equal(data.banner.level, 'partial');
  const [apiView, webView] = [data.groups[0]!.sites[0]!, data.groups[1]!.sites[0]!];
  assert.equal(apiView.url, 'https://api.example.com/');
  assert.equal(webView.url, null, 'URLs are hidden unless the owner shows them');
  assert.equal(webView.days.length, 90);
  const twoDaysAgo = new Date(Math.floor((now - 2 * DAY) / DAY) * DAY).toISOString().slice(0, 10);
  assert.deepEqual(webView.days.find((d) => d.date === twoDaysAgo), { date: twoDaysAgo, checks: 2, percent: 50, incidents: 0 });
  assert.equal(apiView.days.at(-1)!.incidents, 1);
  assert.equal(data.incidents.length, 1);
  assert.equal(data.incidents[0]!.site, 'API');

  const everything = JSON.stringify(data) + renderStatusPage(data) + renderAtom(data, 'http://x');
  for (const secret of ['secret-origin', 's3cr3t', 'Hidden admin', 'admin.internal', `"siteId"`]) {
    assert.ok(!everything.includes(secret), `${secret} appears nowhere`);
  }
  assert.equal(buildStatusPage(store, 'nope', now), null);
});

test('posts and maintenance notices: validated, updated over time, shown newest first and in the feed', (t) => {
  const store = tempStore(t);
  const now = Date.now();
  const page = savePage(store, { slug: 'acme', title: 'Acme & Co <b>' });
  const incident = createPost(store, page.id, { kind: 'incident', title: 'Login errors', message: 'Looking into it' });
  addPostUpdate(store, page.id, incident.id, { status: 'resolved', message: 'Fixed <script>' });
  createPost(store, page.id, {
    kind: 'maintenance',
    title: 'Database upgrade',
    message: 'Short read-only window',
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
  });

  const data = buildStatusPage(store, 'acme', now)!;
  assert.equal(data.posts.length, 2);
  assert.equal(data.activeMaintenance.length, 1);
  const post = data.posts.find((p) => p.title === 'Login errors')!;
  assert.equal(post.status, 'resolved');
  assert.deepEqual(post.updates.map((u) => u.status), ['resolved', 'investigating']);
  const html = renderStatusPage(data);
  assert.ok(!html.includes('<script>') && html.includes('Fixed &#60;script&#62;'));
  assert.ok(html.includes('Acme &#38; Co &#60;b&#62;'));

  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof AppError) return `${e.code}:${Object.keys(e.fields ?? {}).join(',')}`;
      throw e;
    }
    return 'ok';
  };
  assert.equal(field(() => createPost(store, page.id, { kind: 'maintenance', title: 'x', message: 'y' })), 'validation:startsAt,endsAt');
  assert.equal(field(() => createPost(store, page.id, { kind: 'incident', title: 'x', message: 'y', status: 'completed' })), 'validation:status');
  assert.equal(field(() => createPost(store, page.id, { kind: 'incident', title: '', message: 'y' })), 'validation:title');
  assert.equal(field(() => savePage(store, { slug: 'acme', title: 'Again' })), 'conflict:slug');
  assert.equal(field(() => savePage(store, { slug: 'Bad Slug', title: 'x' })), 'validation:slug');
  assert.equal(field(() => savePage(store, { slug: 'ok', title: 'x', sites: [{ siteId: 999 }] })), 'validation:sites.0.siteId');
  assert.equal(field(() => savePage(store, { slug: 'ok', title: 'x', logoUrl: 'javascript:alert(1)' })), 'validation:logoUrl');
  assert.equal(store.listStatusPages().length, 1, 'refused input wrote nothing');
});
