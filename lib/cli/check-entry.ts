/**
 * `npm run check -- <file|->`: the one-shot URL checker, see `--help`. (The developer checks — lint, typecheck,
 * tests — are `npm run verify`.) The only place in the checker that touches the process: argv, signals, exit.
 */
import { runCheckUrls } from './check-urls';

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
