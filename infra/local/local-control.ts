/**
 * The local runtime's control routes (`/__local/*`: the schedule's clock, the event log, KMS
 * faults) answer without a token. A web page the developer has open could otherwise reach them: a
 * form or a `no-cors` fetch is a "simple" request that needs no preflight, and DNS rebinding gives
 * a page a name that resolves to loopback. So a control request must carry a header no browser
 * sends cross-origin without a preflight (which nothing here grants), and name a loopback host.
 */
import type { IncomingHttpHeaders } from 'node:http';

export const LOCAL_CONTROL_HEADER = 'x-vault-local';
/** What tests and tools send with every control request. */
export const LOCAL_CONTROL_HEADERS = { [LOCAL_CONTROL_HEADER]: '1' } as const;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a control request is refused, or undefined when it may be served. */
export function localControlRefusal(headers: IncomingHttpHeaders): string | undefined {
  if (headers[LOCAL_CONTROL_HEADER] !== '1')
    return `control routes need the header ${LOCAL_CONTROL_HEADER}: 1 (a web page cannot send it)`;
  const host = (headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  if (!LOOPBACK_HOSTS.has(host)) return 'control routes answer only to a loopback host name';
  return undefined;
}
