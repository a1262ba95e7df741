import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBadLine, parseUrlList } from '../../../lib/cli/read-urls';

test('skips blank lines, comment lines and trailing comments, and trims every line', () => {
  const list = parseUrlList(
    [
      '# production',
      '',
      '   https://example.com/health   ',
      '\t',
      '  # indented comment',
      'http://127.0.0.1:8080/ok  # the local one',
      'https://example.org/page#section',
    ].join('\n'),
  );
  assert.deepEqual(list.urls, [
    { line: 3, url: 'https://example.com/health' },
    { line: 6, url: 'http://127.0.0.1:8080/ok' },
    { line: 7, url: 'https://example.org/page#section' },
  ]);
  assert.deepEqual(list.bad, []);
  assert.deepEqual(list.duplicates, []);
});

test('counts lines the same with CRLF, CR and a byte-order mark', () => {
  const list = parseUrlList('\uFEFFhttps://a.example/\r\n\r\nhttps://b.example/\rhttps://c.example/\n');
  assert.deepEqual(
    list.urls.map((u) => [u.line, u.url]),
    [
      [1, 'https://a.example/'],
      [3, 'https://b.example/'],
      [4, 'https://c.example/'],
    ],
  );
});

test('reports every bad line with its number and what is wrong, and keeps the good ones', () => {
  const list = parseUrlList(
    [
      'https://ok.example/',
      'ftp://x',
      'not a url',
      'example.com',
      'https://user:pw@example.com/',
      'https://example.com/a https://example.com/b',
      'https://ok.example/two',
    ].join('\n'),
  );
  assert.deepEqual(
    list.urls.map((u) => u.line),
    [1, 7],
  );
  assert.deepEqual(
    list.bad.map((b) => b.line),
    [2, 3, 4, 5, 6],
  );
  assert.equal(describeBadLine(list.bad[0]!), 'line 2: "ftp://x" must start with http:// or https://');
  assert.match(describeBadLine(list.bad[1]!), /^line 3: "not a url" holds a space/);
  assert.match(describeBadLine(list.bad[2]!), /^line 4: "example.com" is not a valid URL/);
  assert.match(describeBadLine(list.bad[3]!), /^line 5: .* must not contain a user name or password$/);
  assert.match(describeBadLine(list.bad[4]!), /^line 6: .* holds a space/);
});

test('quotes a bad line as JSON, so control characters show, and shortens a long one', () => {
  const list = parseUrlList(`gopher://a\u0007b\nftp://${'x'.repeat(300)}`);
  assert.equal(describeBadLine(list.bad[0]!), 'line 1: "gopher://a\\u0007b" must start with http:// or https://');
  const long = describeBadLine(list.bad[1]!);
  assert.ok(long.length < 160, long);
  assert.match(long, /^line 2: "ftp:\/\/x+…" must start with http:\/\/ or https:\/\/$/);
});

test('keeps a URL once, at its first line, recognising repeats after normalisation', () => {
  const list = parseUrlList(
    ['https://Example.com', 'https://example.org/', 'HTTPS://EXAMPLE.COM/', 'https://example.com/'].join('\n'),
  );
  assert.deepEqual(list.urls, [
    { line: 1, url: 'https://example.com/' },
    { line: 2, url: 'https://example.org/' },
  ]);
  assert.deepEqual(list.duplicates, [
    { line: 3, firstLine: 1, url: 'https://example.com/' },
    { line: 4, firstLine: 1, url: 'https://example.com/' },
  ]);
});

test('an empty list or one of comments only has no URLs and nothing bad', () => {
  for (const text of ['', '\n\n', '# nothing yet\n   \n']) {
    assert.deepEqual(parseUrlList(text), { urls: [], bad: [], duplicates: [] });
  }
});
