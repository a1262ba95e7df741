import { formatProgress } from './formats';

/** A terminal redraws one line often; a log gets a line now and then, and none at all for a short run. */
const PROGRESS_EVERY_MS = { tty: 100, plain: 5000 } as const;

/** Where progress goes and how often: the part of the checker's streams that the progress line needs. */
export interface ProgressIo {
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal: progress then redraws one line in place instead of printing lines. */
  isTTY?: boolean;
  /** How often progress is shown; by default 100 ms on a terminal and 5 s otherwise. */
  progressEveryMs?: number;
}

export interface Progress {
  /** Takes the progress line off a terminal before a result row is written under it. */
  clear(): void;
  stop(): void;
}

export function startProgress(io: ProgressIo, total: number, counts: () => { done: number; down: number }): Progress {
  const isTTY = io.isTTY === true;
  const every = io.progressEveryMs ?? (isTTY ? PROGRESS_EVERY_MS.tty : PROGRESS_EVERY_MS.plain);
  const started = performance.now();
  let shown: string | null = null;
  const clear = () => {
    if (shown === null) return;
    io.stderr.write('\r\x1b[2K');
    shown = null;
  };
  const timer = setInterval(() => {
    const { done, down } = counts();
    const line = formatProgress(done, total, down);
    if (isTTY) {
      if (line === shown) return;
      io.stderr.write(`\r\x1b[2K${line}`);
      shown = line;
    } else {
      io.stderr.write(`${line} after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }, every);
  timer.unref();
  return {
    clear,
    stop: () => {
      clearInterval(timer);
      clear();
    },
  };
}

