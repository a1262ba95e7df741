import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Which code may reach the browser: client components ('use client') and what they import at run time must
 * never reach a server-only module, the database or Next.js's server APIs; server modules say so with
 * `import 'server-only'` (so the build fails if one is pulled into the browser); and lib/ stays free of Next.js.
 */

const root = path.resolve(import.meta.dirname, '..', '..');

function walk(dir: string): string[] {
  if (!fs.existsSync(path.join(root, dir))) return [];
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return walk(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const source = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

/** Specifiers imported or re-exported for their values (type-only imports vanish from the bundle). */
function valueImports(text: string): string[] {
  const specs: string[] = [];
  const re = /^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) if (!m[2]) specs.push(m[3]!);
  return specs;
}

function resolveLocal(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('@/')) base = spec.slice(2);
  else if (spec.startsWith('.')) base = path.join(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return null;
}

const isClient = (rel: string) => /^\s*['"]use client['"]/.test(source(rel));

const FORBIDDEN_IN_BROWSER = ['server-only', 'better-sqlite3', 'next/headers', 'next/server', 'node:sqlite'];

/** db/'s pure modules: words and encoders with no imports at all, which every room (the browser too) may use. */
const PURE_DB = new Set(['db/domain.ts', 'db/histogram.ts', 'db/retention.ts']);

test('nothing a client component imports reaches server-only code, the database or next/headers', () => {
  const clients = [...walk('app'), ...walk('lib')].filter(isClient);
  assert.ok(clients.length > 5, `found only ${clients.length} client components`);
  const problems: string[] = [];
  for (const client of clients) {
    const seen = new Set<string>();
    const queue: { file: string; via: string[] }[] = [{ file: client, via: [client] }];
    while (queue.length > 0) {
      const { file, via } = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of valueImports(source(file))) {
        if (FORBIDDEN_IN_BROWSER.includes(spec)) problems.push(`${via.join(' → ')} imports ${spec}`);
        const next = resolveLocal(file, spec);
        if (next?.startsWith('db/') && !PURE_DB.has(next)) problems.push(`${via.join(' → ')} → ${next}`);
        else if (next) queue.push({ file: next, via: [...via, next] });
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('server modules import server-only, and lib/ imports no Next.js', () => {
  const serverModules = [...walk('app/_server'), 'lib/history.ts'];
  assert.ok(serverModules.length >= 4);
  for (const rel of serverModules) {
    assert.ok(valueImports(source(rel)).includes('server-only'), `${rel} does not import 'server-only'`);
  }
  const nextInLib = walk('lib').filter((rel) => valueImports(source(rel)).some((s) => s === 'next' || s.startsWith('next/')));
  // The one exception is the process that hosts Next.js itself (npm start's server): it starts the framework.
  assert.deepEqual(nextInLib, ['lib/server/main.ts']);
  const serverInComponents = walk('app/_components').filter((rel) => !isClient(rel) && /from '@\/db\/(?!domain'|histogram'|retention')|from '@\/lib\/store'/.test(source(rel)));
  assert.deepEqual(serverInComponents, [], 'server code in the client-islands folder');
});

test('db/ is the bottom room: it imports nothing from lib/ or app/, and its pure modules import nothing', () => {
  const problems: string[] = [];
  for (const file of walk('db')) {
    for (const spec of valueImports(source(file)).concat(typeImports(source(file)))) {
      const target = resolveLocal(file, spec);
      if (target && !target.startsWith('db/')) problems.push(`${file} imports ${target}`);
      if (PURE_DB.has(file) && (target || !spec.startsWith('node:'))) problems.push(`${file} (pure) imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

function typeImports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)\s+type\s+[^'";]*?\s+from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}
