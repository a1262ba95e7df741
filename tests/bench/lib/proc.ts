/**
 * Child processes for the benchmark, and what Linux says about them: CPU time from /proc/<pid>/stat, peak
 * resident memory from /proc/<pid>/status, machine-wide CPU from /proc/stat, TIME_WAIT sockets from
 * /proc/net/tcp. Linux only; elsewhere the readers return null and the table says "n/a".
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface Started {
  child: ChildProcess;
  pid: number;
  /** The match of the ready pattern against the first line that fitted. */
  match: RegExpExecArray;
  /** The last lines the process printed (stdout and stderr), for error reports. */
  tail(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A line on stdout matching this means the process is ready. */
  ready: RegExp;
  timeoutMs?: number;
  label: string;
}

const TAIL_LINES = 40;

/** Spawns a process and waits for its ready line (e.g. `listening 41234`); rejects if it exits or takes too long. */
export function startProcess(command: string, args: readonly string[], options: StartOptions): Promise<Started> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
  };
  const tail = () => lines.join('\n');
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });

  return new Promise<Started>((resolve, reject) => {
    let isReady = false;
    const timer = setTimeout(() => {
      if (isReady) return;
      child.kill('SIGKILL');
      reject(new Error(`${options.label} was not ready within ${options.timeoutMs ?? 30000} ms:\n${tail()}`));
    }, options.timeoutMs ?? 30000);
    const onLines = (isStdout: boolean) => {
      let partial = '';
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          remember(line);
          if (isReady || !isStdout) continue;
          const match = options.ready.exec(line);
          if (match && child.pid !== undefined) {
            isReady = true;
            clearTimeout(timer);
            resolve({ child, pid: child.pid, match, tail, exited });
          }
        }
      };
    };
    // Always drained, so a chatty child never blocks on a full pipe.
    child.stdout?.on('data', onLines(true));
    child.stderr?.on('data', onLines(false));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${options.label} could not start: ${err.message}`));
    });
    void exited.then((code) => {
      if (isReady) return;
      clearTimeout(timer);
      reject(new Error(`${options.label} exited (${code}) before it was ready:\n${tail()}`));
    });
  });
}

/** Sends `signal` to the process by its pid and waits for it to end; SIGKILL after `graceMs`. */
export async function stopProcess(started: Started, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15000) {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return started.exited;
  process.kill(started.pid, signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (started.child.exitCode === null && started.child.signalCode === null) process.kill(started.pid, 'SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([started.exited, killed]);
  clearTimeout(timer);
  return started.exited;
}

let clockTicks: number | undefined;

/** Jiffies per second of /proc's CPU counters (USER_HZ). */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds the process has used so far, all its threads together; null if unreadable. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its closing one are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return (utime + stime) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** A field of /proc/<pid>/status in kB (VmHWM: peak resident set; VmRSS: resident now); null if unreadable. */
export function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  busy: number;
  total: number;
}

/** Machine-wide CPU jiffies (all cores) from /proc/stat: busy and total; null if unreadable. */
export function machineCpu(): CpuSnapshot | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
  } catch {
    return null;
  }
}

/**
 * TCP sockets in TIME_WAIT on this machine (IPv4 and IPv6), and how many of them are on the server's side (local
 * port `serverPort`): the side that closed first keeps the state. Null if unreadable.
 */
export function countTimeWait(serverPort?: number): { total: number; serverSide: number } | null {
  let total = 0;
  let serverSide = 0;
  let isRead = false;
  const portHex = serverPort === undefined ? null : serverPort.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      const lines = fs.readFileSync(file, 'utf8').split('\n').slice(1);
      isRead = true;
      for (const line of lines) {
        const cols = line.trim().split(/\s+/);
        if (cols[3] !== '06') continue;
        total++;
        if (portHex !== null && cols[1]?.endsWith(`:${portHex}`)) serverSide++;
      }
    } catch {
      // tcp6 may be missing
    }
  }
  return isRead ? { total, serverSide } : null;
}

/** A sysctl value as text, or null (e.g. not Linux). */
export function sysctl(name: string): string | null {
  try {
    return fs.readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return null;
  }
}

/**
 * Seconds the process's main thread (the event loop) has spent runnable but waiting for a CPU, from
 * /proc/<pid>/schedstat; null if unreadable. Time here is lateness the machine caused, not the code.
 */
export function runQueueWaitSeconds(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    const waitNs = Number(fields[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e9 : null;
  } catch {
    return null;
  }
}

/** Cumulative seconds in which some runnable task waited for a CPU (Linux PSI, /proc/pressure/cpu); null if absent. */
export function cpuPressureSeconds(): number | null {
  try {
    const m = /^some .*total=(\d+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) / 1e6 : null;
  } catch {
    return null;
  }
}
