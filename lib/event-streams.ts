import { getConfig } from './config';
import type { ChangeEvent, ChangeFeed } from './events';

/**
 * Server-sent event streams with bounds: each lives only as long as the credential it was opened with (checked
 * again on a timer and before each event), at most `perClient` per client and `total` in all (past either, the
 * least recently active stream closes to make room), and a client that stops reading is dropped instead of
 * buffered for. Closing a stream releases everything it held: its registry slot, its feed listener, its timer.
 */

export interface StreamLimits {
  total: number;
  perClient: number;
}

interface Slot {
  clientKey: string;
  openedAt: number;
  lastActiveAt: number;
  close: (reason: CloseReason) => void;
}

export type CloseReason = 'credential' | 'evicted' | 'slow' | 'client';

/** Open streams by client, with the caps applied when a new one is admitted. */
export class StreamRegistry {
  private readonly slots = new Set<Slot>();
  private readonly perClient = new Map<string, Set<Slot>>();
  private seq = 0;

  constructor(private readonly limits: StreamLimits) {}

  get size(): number {
    return this.slots.size;
  }

  countFor(clientKey: string): number {
    return this.perClient.get(clientKey)?.size ?? 0;
  }

  /**
   * Makes room (closing the client's least recently active stream past `perClient`, then the least recently
   * active of all past `total`) and registers a new stream. The returned handle marks activity and releases it.
   */
  admit(clientKey: string, close: (reason: CloseReason) => void): { touch(): void; release(): void } {
    const own = this.perClient.get(clientKey);
    if (own && own.size >= this.limits.perClient) leastActive(own)?.close('evicted');
    if (this.slots.size >= this.limits.total) leastActive(this.slots)?.close('evicted');
    // A monotonic tie-breaker: streams touched by the same event are evicted oldest first.
    const now = ++this.seq;
    const slot: Slot = { clientKey, openedAt: now, lastActiveAt: now, close };
    this.slots.add(slot);
    let mine = this.perClient.get(clientKey);
    if (!mine) this.perClient.set(clientKey, (mine = new Set()));
    mine.add(slot);
    return {
      touch: () => {
        slot.lastActiveAt = ++this.seq;
      },
      release: () => {
        this.slots.delete(slot);
        const set = this.perClient.get(clientKey);
        set?.delete(slot);
        if (set?.size === 0) this.perClient.delete(clientKey);
      },
    };
  }
}

function leastActive(slots: Iterable<Slot>): Slot | undefined {
  let pick: Slot | undefined;
  for (const s of slots) if (!pick || s.lastActiveAt < pick.lastActiveAt) pick = s;
  return pick;
}

const REGISTRY = Symbol.for('upbeat.streamRegistry');
type Holder = { [REGISTRY]?: StreamRegistry };

/** The process's registry (`UPBEAT_MAX_STREAMS`, `UPBEAT_MAX_STREAMS_PER_CLIENT`). */
export function getStreamRegistry(): StreamRegistry {
  const holder = globalThis as Holder;
  holder[REGISTRY] ??= new StreamRegistry(getConfig().maxStreams);
  return holder[REGISTRY];
}

export const STREAM_TIMING = {
  /** A comment line every so often keeps proxies and idle timeouts from closing a quiet stream. */
  keepAliveMs: 15_000,
  /** How often the credential is checked again while nothing is sent. */
  recheckMs: 2_000,
  /** An event is sent without a fresh check if the last one is younger than this. */
  sendRecheckMs: 1_000,
  /** How long a browser waits before reconnecting after the stream drops. */
  retryMs: 2_000,
  /** After an eviction, the browser waits this long, so two tabs over the cap do not take turns every 2 s. */
  evictedRetryMs: 60_000,
};

/** Bytes queued for a client that does not read, past which it is dropped. */
const MAX_BUFFERED_BYTES = 256 * 1024;

export interface EventStreamOptions {
  feed: ChangeFeed;
  registry: StreamRegistry;
  clientKey: string;
  /** Whether the credential the stream was opened with still holds (session alive, token not revoked). */
  isStillAuthorized: () => Promise<boolean>;
  /** Ends the stream when the request does (client gone). */
  signal?: AbortSignal;
  timing?: Partial<typeof STREAM_TIMING>;
  /** Called once when the stream closes, with why. */
  onClose?: (reason: CloseReason) => void;
}

function frame(event: ChangeEvent): string {
  const data = event.type === 'checks' ? { siteIds: event.siteIds } : { revision: event.revision };
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Server-sent events: `checks` (`{ siteIds }`: these sites have new results) and `sites` (`{ revision }`: the
 * list of sites changed); `end` (`{ reason }`) just before the server closes a stream for good. Clients reload
 * what they show on each event, and everything when they (re)connect.
 */
export function openEventStream(options: EventStreamOptions): Response {
  const timing = { ...STREAM_TIMING, ...options.timing };
  const encoder = new TextEncoder();
  let close: (reason: CloseReason) => void = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        let verifiedAt = Date.now();
        let lastBeatAt = Date.now();
        let checking: Promise<void> | null = null;
        const pending: string[] = [];

        const write = (text: string) => {
          if (!open) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            close('client'); // the stream is gone (client left between ticks)
            return;
          }
          if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) close('slow');
        };

        const verify = (): Promise<void> => {
          checking ??= options
            .isStillAuthorized()
            .catch(() => false)
            .then((ok) => {
              checking = null;
              if (!ok) return close('credential');
              verifiedAt = Date.now();
              while (open && pending.length > 0) write(pending.shift()!);
            });
          return checking;
        };

        const send = (text: string) => {
          if (!open) return;
          if (checking === null && Date.now() - verifiedAt < timing.sendRecheckMs) return write(text);
          pending.push(text);
          if (pending.length > 100) return close('slow');
          void verify();
        };

        const slot = options.registry.admit(options.clientKey, (reason) => close(reason));
        const unsubscribe = options.feed.subscribe((event) => {
          slot.touch();
          send(frame(event));
        });
        const timer = setInterval(() => {
          void verify().then(() => {
            if (Date.now() - lastBeatAt < timing.keepAliveMs) return;
            lastBeatAt = Date.now();
            write(': keep-alive\n\n');
          });
        }, timing.recheckMs);

        close = (reason) => {
          if (!open) return;
          open = false;
          // A last word, so the browser knows why (and, when evicted, waits longer before it reconnects).
          const farewell =
            reason === 'credential'
              ? 'event: end\ndata: {"reason":"the session or token has ended"}\n\n'
              : reason === 'evicted'
                ? `retry: ${timing.evictedRetryMs}\nevent: end\ndata: {"reason":"too many streams"}\n\n`
                : null;
          pending.length = 0;
          clearInterval(timer);
          unsubscribe();
          slot.release();
          options.signal?.removeEventListener('abort', onAbort);
          try {
            if (farewell !== null) controller.enqueue(encoder.encode(farewell));
            controller.close();
          } catch {
            // already closed or errored
          }
          options.onClose?.(reason);
        };
        const onAbort = () => close('client');
        if (options.signal?.aborted) return close('client');
        options.signal?.addEventListener('abort', onAbort);
        write(`retry: ${timing.retryMs}\n: connected\n\n`);
      },
      cancel() {
        close('client');
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
  );
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform keeps the server's gzip from buffering events; no-cache keeps proxies from replaying them.
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
