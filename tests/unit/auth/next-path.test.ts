import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeNextPath } from '../../../lib/auth/next-path';

// What the login page receives in `next` (already URL-decoded by the query parser) and what it may send the
// browser to. Each refused form is one a browser reads as another host.
test('after login only a path on this site is followed, however it is spelled', () => {
  const kept: [string, string][] = [
    ['/sites/3', '/sites/3'],
    ['/sites/3?range=7d#chart', '/sites/3?range=7d#chart'],
    ['/%2F%2Fevil.test', '/%2F%2Fevil.test'], // stays a path: the browser does not decode %2F into a slash
    ['/%09/evil.test/', '/%09/evil.test/'],
    ['/a b', '/a%20b'],
  ];
  for (const [raw, want] of kept) assert.equal(safeNextPath(raw), want, JSON.stringify(raw));

  const refused = [
    '/\t/attacker.example/', // the probe's /%09/ once decoded: browsers drop the tab
    '/\n/attacker.example/',
    '/\r\n/attacker.example/',
    '/\\attacker.example',
    '/\\/attacker.example',
    '/\t\\attacker.example',
    '//attacker.example',
    '/.//attacker.example', // normalises to //attacker.example
    '/a/../..//attacker.example',
    '\t/attacker.example',
    'https://attacker.example/',
    'javascript:alert(1)',
    '',
  ];
  for (const raw of refused) assert.equal(safeNextPath(raw), '/', JSON.stringify(raw));
  assert.equal(safeNextPath(undefined), '/');
  assert.equal(safeNextPath(['/\t/attacker.example/', '/sites/1']), '/');
});
