/**
 * A small JSON path: `$`, then `.name`, `["name"]` / `['name']` and `[0]` steps. Enough to point at one value in
 * a health endpoint's answer; no filters, wildcards or code — the path is parsed, never evaluated as script.
 */

export type PathStep = string | number;

/** The steps of a path, or the reason it is not one. */
export function parseJsonPath(path: string): PathStep[] | string {
  const text = path.trim();
  if (!text.startsWith('$')) return 'must start with $ (example: $.status)';
  const steps: PathStep[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      const m = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i + 1));
      if (!m) return `has no name after the dot at ${i + 1}`;
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = text.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        steps.push((quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else {
        return `has a bad [ ] step at ${i + 1}`;
      }
    } else {
      return `has an unexpected "${c}" at ${i + 1}`;
    }
  }
  return steps;
}

/** The value at the path, or `undefined` when a step is missing. */
export function valueAt(root: unknown, steps: readonly PathStep[]): unknown {
  let node: unknown = root;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node) || step >= node.length) return undefined;
      node = node[step] as unknown;
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}
