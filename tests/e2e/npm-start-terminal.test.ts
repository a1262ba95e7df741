import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startNeverAnswers } from '../fixtures/hostile';
import { freePort } from '../helpers/app-server';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * `npm start` as a person runs it: in a terminal (a real pty through script(1)), stopped with one Ctrl-C typed
 * into that terminal, and built on first start without Next.js's telemetry notice.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const TOKEN = `upb_test_${crypto.randomBytes(16).toString('hex')}`;

interface Terminal {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the output matches. */
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  exited: Promise<number | null>;
  /** Kills the whole process group and waits for script(1) to go. */
  kill(): Promise<void>;
}

/**
 * Runs `command` in a new pty (script -e gives back its exit code); the process group is killed at the end.
 * script(1) starts `$SHELL -c command`; `exec` makes the command the pty's foreground job itself, as it is under
 * an interactive shell. Without it a non-interactive dash (SHELL unset or /bin/sh) stays in between, takes the
 * same SIGINT, and once the command has exited cleanly kills itself with it: 130 for a stop that went well.
 */
/** Every process below `pid` (children, theirs, …), from /proc. */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of stat is the parent's pid; the command name before it is in parentheses and may hold spaces.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, of] of parentOf) {
      if (of === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function inTerminal(t: TestContext, command: string, env: NodeJS.ProcessEnv): Terminal {
  const proc = spawn('script', ['-qefc', `exec ${command}`, '/dev/null'], { cwd: root, env, detached: true });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const kill = async () => {
    // `script` runs the command in a session of its own on the terminal it made, so the command's children (a
    // build's compiler workers) are outside script's process group: each descendant is ended by its pid, and
    // waited for, so none still writes once the test cleans up.
    const family = proc.pid ? [proc.pid, ...descendantsOf(proc.pid)] : [];
    for (const pid of family) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    for (let i = 0; i < 100 && family.some((pid) => fs.existsSync(`/proc/${pid}`)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  t.after(kill);
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${pattern} within ${ms} ms:\n${out}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      void exited.then(() => setImmediate(check));
      check();
    });
  return { proc, output: () => out, waitFor, exited, kill };
}

test('one Ctrl-C on `npm start` in a terminal: one clean stop, the check in flight written, exit 0', async (t) => {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const port = await freePort();
  const hanging = await startNeverAnswers(t);
  const term = inTerminal(t, 'npm start', {
    ...process.env,
    PORT: String(port),
    UPBEAT_DB: dbPath,
    UPBEAT_API_TOKEN: TOKEN,
    UPBEAT_SYNC_MS: '100',
  });
  await term.waitFor(/checker running/, 120_000);
  await term.waitFor(/web server on http/, 30_000);
  const res = await fetch(`http://127.0.0.1:${port}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ url: `${hanging.url}/`, timeoutMs: 3000, intervalSeconds: 300 }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { id } = (await res.json()) as { id: number };
  const deadline = Date.now() + 10_000;
  while (hanging.accepted === 0) {
    assert.ok(Date.now() < deadline, 'the check never reached the hanging site');
    await new Promise((r) => setTimeout(r, 20));
  }

  // What the terminal does with the key: its line discipline sends SIGINT to the foreground process group.
  term.proc.stdin!.write('\x03');
  const code = await term.exited;
  const out = term.output();
  assert.match(out, /SIGINT: stopping, waiting for 1 checks in flight/);
  assert.doesNotMatch(out, /again: exiting without waiting/);
  assert.equal(code, 0, out);

  const store = openAppStore(dbPath);
  t.after(() => store.close());
  const checks = store.listChecks(id, { limit: 10 });
  assert.equal(checks.length, 1, 'the check in flight was dropped');
  assert.equal(checks[0]!.ok, false);
});

test('the first start’s build prints no telemetry notice', async (t) => {
  // A fresh build folder and a fresh user config: what a new clone on a new machine sees.
  const distDir = `.next-first-start-${crypto.randomBytes(4).toString('hex')}`;
  const home = tempDir(t);
  const env: NodeJS.ProcessEnv = { ...process.env, UPBEAT_DIST_DIR: distDir, HOME: home, XDG_CONFIG_HOME: home };
  delete env.NEXT_TELEMETRY_DISABLED;
  const term = inTerminal(t, 'npx tsx lib/cli/ensure-build.ts', env);
  // The build is stopped first, so nothing writes into its folder once it is removed.
  t.after(async () => {
    await term.kill();
    // Retried: a compiler worker of the stopped build may still be closing its last file.
    fs.rmSync(path.join(root, distDir), { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });
  // Next.js prints its notice before it starts compiling; there is no need to wait for the whole build.
  await term.waitFor(/Creating an optimized production build/, 120_000);
  assert.match(term.output(), /first start, building the web app/);
  assert.doesNotMatch(term.output(), /telemetry/i);
});
