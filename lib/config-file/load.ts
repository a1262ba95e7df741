import fs from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { envReference } from '../config';
import { documentSchema, type ConfigDocument } from './document';
import { desiredState, type DesiredState } from './desired';

/**
 * Reads a configuration file: YAML → `${ENV}` references resolved → the document schema → the objects it
 * declares, each checked as the API would check it. Every problem is reported at once, each naming the file,
 * line, column and field: `upbeat.yaml:14:5 sites[3].intervalSeconds: must be at most 86400`.
 */

export type FieldPath = readonly (string | number)[];

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** `sites[3].intervalSeconds`; '' for the file as a whole. */
  field: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.field === '' ? '' : `${p.field}: `}${p.message}`;
}

/** A file that cannot be applied, with every problem found; the message holds one line per problem. */
export class ConfigFileError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigFileError';
  }
}

/** `['sites', 3, 'intervalSeconds']` → `sites[3].intervalSeconds`. */
export function formatPath(path: FieldPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

export interface LoadedConfig {
  file: string;
  document: ConfigDocument;
  desired: DesiredState;
  /** A problem found later (when planning) at a field of this file, located like the ones found here. */
  problemAt(path: FieldPath, message: string): ConfigProblem;
}

export type EnvLookup = (name: string) => string | undefined;

export function loadConfigFile(given: string, env: EnvLookup = envReference): LoadedConfig {
  // `./upbeat.yaml` and `upbeat.yaml` are one file: objects are marked with one name, whichever way it is typed.
  const file = path.normalize(given);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ConfigFileError([{ file, line: 1, col: 1, field: '', message: `cannot be read: ${why}` }]);
  }
  return loadConfigText(text, file, env);
}

export function loadConfigText(text: string, file: string, env: EnvLookup = envReference): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    // The first faults only: after one, the parser reads the rest of the file out of step and says so per token.
    throw new ConfigFileError(
      doc.errors
        .slice(0, 3)
        .map((e) => ({ file, ...at(e.pos[0]), field: '', message: e.message.split('\n')[0] ?? 'is not valid YAML' })),
    );
  }
  const problemAt = (path: FieldPath, message: string): ConfigProblem => ({
    file,
    ...at(offsetOf(doc, path)),
    field: formatPath(path),
    message,
  });
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ConfigFileError([problemAt([], (err as Error).message)]);
  }
  if (raw === null || raw === undefined) throw new ConfigFileError([problemAt([], 'is empty; a configuration starts with `version: 1`')]);

  const problems: ConfigProblem[] = [];
  const resolved = resolveEnv(raw, [], env, (path, message) => problems.push(problemAt(path, message)));
  if (problems.length > 0) throw new ConfigFileError(problems);

  const parsed = documentSchema.safeParse(resolved);
  if (!parsed.success) throw new ConfigFileError(zodProblems(parsed.error, problemAt));
  const outcome = desiredState(parsed.data);
  if ('problems' in outcome) throw new ConfigFileError(outcome.problems.map((p) => problemAt(p.path, p.message)));
  return { file, document: parsed.data, desired: outcome.state, problemAt };
}

function zodProblems(error: z.ZodError, problemAt: (path: FieldPath, message: string) => ConfigProblem): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(problemAt([...path, key], 'is not a known field'));
    } else {
      problems.push(problemAt(path, issue.message));
    }
  }
  return problems;
}

/**
 * Where a field sits in the file: the key of the last map entry on the path (where people look for a field), or
 * the list item; where the path goes further than the file (a required field left out), the nearest parent.
 */
function offsetOf(doc: Document, path: FieldPath): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

// `${NAME}` is replaced by the variable; `$${NAME}` stands for the text `${NAME}` itself.
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A copy of `value` with every `${NAME}` in its strings replaced; unset variables reported at their field. */
function resolveEnv(value: unknown, path: FieldPath, env: EnvLookup, report: (path: FieldPath, message: string) => void): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, escaped: string, name: string) => {
      if (escaped === '$') return whole.slice(1);
      const found = env(name);
      if (found === undefined) {
        report(path, `refers to \${${name}}, which is not set in the environment`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnv(v, [...path, i], env, report));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Defined, not assigned: a `__proto__` key stays a key (and is then refused as unknown), not a prototype.
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: resolveEnv(v, [...path, k], env, report), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
