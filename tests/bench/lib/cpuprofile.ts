/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and says where the time went inside a time range: self time
 * by function, and self time by where the code lives (a package, a project file, Node's internals, GC).
 *
 * As a command: tsx tests/bench/lib/cpuprofile.ts <file.cpuprofile> [--last-seconds S] [--skip-last-seconds S]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  /** Share of all sampled time in the range, idle excluded. */
  percent: number;
  /** Only by function: time with this function anywhere on the stack. */
  totalMs?: number;
}

export interface ProfileSummary {
  rangeMs: number;
  busyMs: number;
  byFunction: ProfileLine[];
  byPlace: ProfileLine[];
}

/** Where code lives: `undici`, `lib/monitor/probe.ts`, `node:internal`, `(garbage collector)`… */
function placeOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.relative(process.cwd(), file) || file;
}

function nameOf(frame: CallFrame): string {
  const place = placeOf(frame);
  const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return fn;
  const file = place.startsWith('node:') || !place.includes('/') ? place : path.basename(place);
  return `${fn} ${file}:${frame.lineNumber + 1}`;
}

/**
 * Summarises the samples that fall in [end − lastMs, end − skipLastMs] of the profile (the whole profile when
 * `lastMs` is undefined).
 */
export function summariseProfile(file: string, lastMs?: number, skipLastMs = 0, top = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const to = profile.endTime - skipLastMs * 1000;
  const from = lastMs === undefined ? profile.startTime : profile.endTime - lastMs * 1000;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const place = new Map<string, number>();
  let busyUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    // The gap before the next sample belongs to this one.
    const weight = profile.timeDeltas[i + 1] ?? dt;
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') continue;
    busyUs += weight;
    const name = nameOf(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + weight);
    const where = placeOf(node.callFrame);
    place.set(where, (place.get(where) ?? 0) + weight);
    const onStack = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      if (n && n.callFrame.functionName !== '(root)') onStack.add(nameOf(n.callFrame));
    }
    for (const s of onStack) total.set(s, (total.get(s) ?? 0) + weight);
  }
  const lines = (m: Map<string, number>, withTotal: boolean): ProfileLine[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: us / 1000,
        percent: busyUs === 0 ? 0 : (us / busyUs) * 100,
        ...(withTotal ? { totalMs: (total.get(name) ?? 0) / 1000 } : {}),
      }));
  return { rangeMs: (to - from) / 1000, busyMs: busyUs / 1000, byFunction: lines(self, true), byPlace: lines(place, false) };
}

/** The summary as text lines. */
export function formatProfile(label: string, s: ProfileSummary): string {
  const pad = (n: number, w: number, d = 0) => n.toFixed(d).padStart(w);
  const out = [
    `${label}: ${pad(s.busyMs, 0)} ms busy in ${pad(s.rangeMs, 0)} ms sampled (idle excluded from the shares)`,
    '  self ms    %  by place',
    ...s.byPlace.map((l) => `  ${pad(l.selfMs, 7)} ${pad(l.percent, 4)}  ${l.name}`),
    '  self ms    %  total ms  by function',
    ...s.byFunction.map((l) => `  ${pad(l.selfMs, 7)} ${pad(l.percent, 4)}  ${pad(l.totalMs ?? 0, 8)}  ${l.name}`),
  ];
  return out.join('\n') + '\n';
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : Number(args[i + 1]);
  };
  if (!file) {
    console.error('usage: tsx tests/bench/lib/cpuprofile.ts <file.cpuprofile> [--last-seconds S] [--skip-last-seconds S]');
    process.exit(2);
  }
  const last = flag('--last-seconds');
  process.stdout.write(
    formatProfile(path.basename(file), summariseProfile(file, last === undefined ? undefined : last * 1000, (flag('--skip-last-seconds') ?? 0) * 1000, 25)),
  );
}
