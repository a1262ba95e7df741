/**
 * `npm run check`. With no arguments it is the developer check (lint, typecheck, tests, stopping at the first
 * failure); with any argument it is the one-shot URL checker: `npm run check -- <file|->`, see `--help`.
 * The only place in the checker that touches the process: argv, signals, exit.
 */
import { spawnSync } from 'node:child_process';
import { runCheckUrls } from './check-urls';

const DEVELOPER_CHECK = [
  ['run', 'lint'],
  ['run', 'typecheck'],
  ['test'],
] as const;

function runDeveloperCheck(): number {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  for (const args of DEVELOPER_CHECK) {
    const result = spawnSync(npm, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.error) {
      console.error(`npm ${args.join(' ')}: ${result.error.message}`);
      return 1;
    }
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

/** Exits once stdout and stderr have flushed, so a piped table or JSON is never cut short. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.length === 0) {
    process.exit(runDeveloperCheck());
  }

  // A reader that stops early (`| head`) is not an error of the run.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });

  const controller = new AbortController();
  process.on('SIGINT', () => {
    // The first Ctrl-C stops the run and reports what finished; a second one does not wait for that.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });

  runCheckUrls(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stderr.isTTY === true,
    signal: controller.signal,
  }).then(exitAfterFlush, (err: unknown) => {
    console.error(err);
    exitAfterFlush(1);
  });
}

main();
