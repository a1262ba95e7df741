import type { ErrorKind } from './domain';

/** Stable storage codes for error kinds: never renumber, only add. */
const KIND_TO_CODE: Record<ErrorKind, number> = {
  dns: 1,
  refused: 2,
  reset: 3,
  timeout: 4,
  tls: 5,
  status: 6,
  redirects: 7,
  protocol: 8,
  unknown: 9,
  blocked: 10,
  assertion: 11,
  push: 12,
};

const CODE_TO_KIND = new Map<number, ErrorKind>(
  Object.entries(KIND_TO_CODE).map(([kind, code]) => [code, kind as ErrorKind]),
);

export function errorKindCode(kind: ErrorKind): number {
  return KIND_TO_CODE[kind];
}

export function errorKindFromCode(code: number): ErrorKind {
  return CODE_TO_KIND.get(code) ?? 'unknown';
}

/** Milliseconds (fractional) to whole microseconds, the storage unit of timings. */
export function toMicros(ms: number): number {
  return Math.max(0, Math.round(ms * 1000));
}

export function fromMicros(us: number): number {
  return us / 1000;
}
