import type { CheckError } from '../../../db/domain';
import { classifyError, describeTlsCode } from '../classify';
import { ADDRESS_REFUSED, ConnectError, type Phase } from '../connector';
import { explainStop, formatPeer, truncate, Verdict } from './result';

const PHASE_WORDS: Record<Phase, string> = {
  dns: 'while resolving the host',
  connect: 'while connecting',
  tls: 'during the TLS handshake',
  ttfb: 'waiting for the response',
  transfer: 'while reading the body',
};

/** The words for the phase a check stopped in, with a leading space; empty before the first phase. */
export function duringPhase(phase: Phase | null): string {
  return phase !== null ? ` ${PHASE_WORDS[phase]}` : '';
}

/** The shared wording of a failure below the protocol (resolve, connect, TLS), for the http and tcp probes. */
export function explainFailure(
  err: unknown,
  signal: AbortSignal,
  timeoutMs: number,
  phase: Phase | null,
  where: { host: string; port: number; remoteAddress: string | null },
): CheckError {
  const during = duringPhase(phase);
  // Once the check's signal fired, whatever error surfaced is its echo (a destroyed socket); the reason wins.
  const stopped = explainStop(signal, timeoutMs, during);
  if (stopped !== null) return stopped;
  if (err instanceof Verdict) return { kind: err.kind, message: err.message };
  if (err instanceof ConnectError && err.code === ADDRESS_REFUSED) return { kind: 'blocked', message: err.message };

  const { kind, code } = classifyError(err);
  const peer = formatPeer(where.remoteAddress ?? where.host, where.port);
  const tag = code !== null ? ` (${code})` : '';
  switch (kind) {
    case 'dns':
      return { kind, message: `cannot resolve ${where.host}${tag}` };
    case 'refused':
      return { kind, message: `connection refused by ${peer}` };
    case 'reset':
      return { kind, message: `connection reset by ${peer}${during}${tag}` };
    case 'timeout':
      return { kind, message: `timed out${during}${tag}` };
    case 'tls':
      return { kind, message: `TLS ${describeTlsCode(code)}${tag}` };
    case 'protocol':
      return { kind, message: `malformed HTTP response from ${peer}${tag}` };
    default: {
      const text = err instanceof Error && err.message !== '' ? err.message : String(err);
      return { kind, message: `${truncate(text, 160)}${code !== null && !text.includes(code) ? tag : ''}` };
    }
  }
}

