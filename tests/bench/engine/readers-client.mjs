/**
 * The dashboard reader of the engine benchmark's readers row, as a process of its own that runs only when nothing
 * else wants a CPU (spawned through `chrt --idle 0`, Linux's SCHED_IDLE): it stands for people's browsers, which
 * run on their own machines. Inside the benchmark's process, the same client took CPU the checker would otherwise
 * have; at nice 19 it still took a core whenever one fell idle and had to be pushed off it when the checker woke.
 * Under SCHED_IDLE it still makes every read (the row reports their count), so the server side — reading,
 * writing out, compressing, serving — does exactly the work it did.
 *
 * Arguments: port, the epoch ms to stop at, the bearer token. Prints one JSON line of its figures.
 */
const [port, untilText, token] = process.argv.slice(2);
const until = Number(untilText);
const times = [];
let failed = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

// Each route on its own fixed 100 ms tick: a slow answer delays its next read, never doubles up.
async function loop(route) {
  for (let next = Date.now(); Date.now() < until; next += 100) {
    await sleep(next - Date.now());
    const begun = performance.now();
    try {
      const res = await fetch(`http://127.0.0.1:${port}${route}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) failed++;
    } catch {
      failed++;
    }
    times.push(performance.now() - begun);
  }
}

await Promise.all([loop('/api/overview'), loop('/api/sites/1/history?range=24h')]);
process.stdout.write(`${JSON.stringify({ times, failed })}\n`);
