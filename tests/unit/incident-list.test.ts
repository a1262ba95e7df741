import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openStore, type Store } from '../../db';
import { nextSiteState } from '../../lib/monitor/state';
import { describeTransition } from '../../lib/alerts/transition-event';
import { describeCause } from '../../lib/alerts/words';
import { presentIncidentList } from '../../lib/api/present-incident';
import { isAppError } from '../../lib/errors';
import { listIncidents, parseIncidentQuery } from '../../lib/incidents';
import { SecretBox } from '../../lib/secrets/box';
import { tempDir } from '../helpers/temp-store';
import { newCheck, newSite } from '../helpers/factories';

/** The incidents list as the Incidents page and the API read it: filters, causes in words, who was told. */

function store(t: import('node:test').TestContext): Store {
  const s = openStore(path.join(tempDir(t), 'upbeat.db'), {
    decideState: nextSiteState,
    secrets: new SecretBox(Buffer.alloc(32, 7), 'the test key'),
    describeAlert: (alert, key) => describeTransition(alert, key, null),
  });
  t.after(() => s.close());
  return s;
}

function addChannel(s: Store, name: string): number {
  return s.createChannel({ name, type: 'webhook', config: { url: 'http://127.0.0.1:9/', secret: 'x'.repeat(16) }, isDefault: false, enabled: true }).id;
}

const http503 = { ok: false, statusCode: 503, error: { kind: 'status' as const, message: 'HTTP 503 (expected 200-399)' } };

function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    if (isAppError(err) && err.code === 'validation') return err.fields ?? {};
    throw err;
  }
  assert.fail('expected a validation error');
}

test('every bad filter is named at once; a range must end after it starts', () => {
  const fields = fieldsOf(() =>
    parseIncidentQuery(new URLSearchParams('open=maybe&siteId=-1&from=yesterday&limit=0')),
  );
  assert.deepEqual(Object.keys(fields).sort(), ['from', 'limit', 'open', 'siteId']);
  assert.deepEqual(fieldsOf(() => parseIncidentQuery(new URLSearchParams('from=2000&to=1000'))), { to: 'must be after from' });
  assert.deepEqual(fieldsOf(() => parseIncidentQuery(new URLSearchParams('from=1000&to=1000'))), { to: 'must be after from' });
  assert.deepEqual(parseIncidentQuery(new URLSearchParams('open=false&from=1000&to=2000&siteId=3')), {
    limit: 100,
    open: false,
    siteId: 3,
    from: 1000,
    to: 2000,
  });
});

test('each incident lists its messages per channel with their outcome, and its cause in the words messages use', (t) => {
  const s = store(t);
  const site = s.createSite(newSite({ name: 'Shop', confirmAfter: 1 }));
  const quiet = s.createSite(newSite({ name: 'Quiet', confirmAfter: 1 }));
  const hook = addChannel(s, 'Ops hook');
  const chat = addChannel(s, 'Chat');
  s.updateSite(site.id, { channels: [hook, chat] });
  s.recordChecks([newCheck(site.id, 1000, http503), newCheck(quiet.id, 1000, http503)]);

  const down = s.dueOutboxPerChannel(Date.now(), 10).filter((r) => r.kind === 'down').sort((a, b) => a.id - b.id);
  const [first, second] = down;
  assert.ok(first && second, JSON.stringify(down));
  s.recordAttempt(
    { outboxId: first.id, channelId: first.channelId, at: 2000, durationMs: 3, outcome: 'delivered', statusCode: 200, error: null },
    { status: 'delivered' },
  );
  s.recordAttempt(
    { outboxId: second.id, channelId: second.channelId, at: 2000, durationMs: 3, outcome: 'retry', statusCode: 500, error: 'HTTP 500: oops' },
    { status: 'pending', nextAttemptAt: 9000, error: 'HTTP 500: oops' },
  );

  const owner = presentIncidentList(listIncidents(s, { limit: 10 }, { withNotices: true, now: 5000 }));
  const shop = owner.incidents.find((i) => i.siteName === 'Shop')!;
  assert.deepEqual(
    shop.notified?.map((n) => [n.channelName, n.kind, n.status, n.attempts, n.deliveredAt !== null, n.error]),
    [
      ['Ops hook', 'down', 'delivered', 1, true, null],
      ['Chat', 'down', 'pending', 1, false, 'HTTP 500: oops'],
    ],
  );
  assert.deepEqual(owner.incidents.find((i) => i.siteName === 'Quiet')!.notified, [], 'no channel: told nobody');
  assert.equal(shop.cause?.text, describeCause({ kind: 'status', message: 'HTTP 503 (expected 200-399)', statusCode: 503 }));
  assert.equal(shop.cause?.text, 'HTTP 503 Service Unavailable (expected 200-399)');
  assert.deepEqual(owner.last30Days, { count: 2, mttrMs: null });

  const reader = presentIncidentList(listIncidents(s, { limit: 10 }, { withNotices: false, now: 5000 }));
  assert.deepEqual(reader.incidents.map((i) => i.notified), [null, null], 'public readers never see channels');
});

test('a deleted channel takes its lines with it; notices of incidents not asked for are not read', (t) => {
  const s = store(t);
  const site = s.createSite(newSite({ confirmAfter: 1 }));
  const hook = addChannel(s, 'Hook');
  s.updateSite(site.id, { channels: [hook] });
  s.recordChecks([newCheck(site.id, 1000, http503), newCheck(site.id, 2000)]);
  const [incident] = s.listIncidents({ limit: 1 });
  assert.deepEqual(s.noticesOf([incident!.id]).get(incident!.id)?.map((n) => n.kind), ['down', 'up']);
  assert.equal(s.noticesOf([incident!.id + 1]).size, 0);
  assert.equal(s.noticesOf([]).size, 0);
  s.deleteChannel(hook);
  assert.equal(s.noticesOf([incident!.id]).size, 0);
});

test('pages: `next` walks older incidents without a gap or a repeat, ties on the start time included', (t) => {
  const s = store(t);
  const sites = [1, 2, 3].map((n) => s.createSite(newSite({ name: `Site ${n}`, confirmAfter: 1 })));
  // Seven incidents; two pairs start at the same millisecond, so the order needs the id as well as the time.
  const starts = [1000, 2000, 2000, 3000, 4000, 4000, 5000];
  starts.forEach((at, k) => {
    const site = sites[k % sites.length]!;
    s.recordChecks([newCheck(site.id, at * 10, http503)]);
    s.recordChecks([newCheck(site.id, at * 10 + 5, { ok: true, statusCode: 200, error: null })]);
  });
  const all = s.listIncidents({ limit: 100 });
  assert.equal(all.length, 7);

  const walked: number[] = [];
  let query = parseIncidentQuery(new URLSearchParams('limit=3'));
  for (let pages = 0; pages < 10; pages++) {
    const page = listIncidents(s, query, { withNotices: false, now: 100_000 });
    walked.push(...page.incidents.map((i) => i.id));
    if (page.next === null) break;
    assert.equal(page.incidents.length, 3, 'only a full page has a next');
    query = parseIncidentQuery(new URLSearchParams({ limit: '3', before: page.next }));
  }
  assert.deepEqual(walked, all.map((i) => i.id), 'the pages together are the whole list, in order');
  assert.deepEqual(fieldsOf(() => parseIncidentQuery(new URLSearchParams('before=yesterday'))), {
    before: 'must be the `next` of a previous page',
  });
});
