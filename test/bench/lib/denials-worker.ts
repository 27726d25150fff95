/**
 * One "Lambda instance" of the flooding benchmark (lib/denials.ts): a process of its own that
 * imports the deployed GET handler and invokes it in process with the environment of the parent
 * (DynamoDB Local, the local KMS endpoint, the dev issuer's JWKS on loopback). In the cloud every
 * concurrent request runs in an instance of its own, so the reader and the flood share DynamoDB
 * (and the hot secret's items), never an event loop: here the reader is one such process, each
 * flood another, and the parent (which hosts the local KMS endpoint, the JWKS and the stream
 * poller) serves neither's requests.
 *
 * Roles, chosen by the first message:
 *  - flood: parent → { kind: 'flood', plan } then { kind: 'stop' }; child → { kind: 'ready' }
 *    (after a first request: the handler and the JWKS are loaded) then { kind: 'done', figures }
 *    and exits. Paced at a fixed rate with a cap on requests in flight; stops at the parent's word,
 *    at its count cap or at its time cap, whichever comes first.
 *  - reader: parent → { kind: 'reader', path, token, warmup } once, child → { kind: 'ready' };
 *    then per phase parent → { kind: 'read', samples, periodMs } (and { kind: 'stop-read' } to end
 *    it early), child → { kind: 'times', times }; { kind: 'exit' } ends it. One read at a time,
 *    started every `periodMs` (or at once when the last one took longer), each timed.
 */
import type { Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../../support/api-event.ts';

export interface FloodPlan {
  path: string;
  /** Used in turn, each for `perToken` requests at most (a fresh caller every `perToken`). */
  tokens: string[];
  perToken: number;
  ratePerSecond: number;
  maxInFlight: number;
  maxRequests: number;
  maxSeconds: number;
}

export interface FloodFigures {
  sent: number;
  seconds: number;
  statuses: Record<string, number>;
  /** Requests that started more than one period behind their schedule (the flood fell behind). */
  late: number;
}

export type WorkerMessage =
  | { kind: 'flood'; plan: FloodPlan }
  | { kind: 'stop' }
  | { kind: 'reader'; path: string; token: string; warmup: number }
  | { kind: 'read'; samples: number; periodMs: number }
  | { kind: 'stop-read' }
  | { kind: 'exit' };

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

const loadHandler = async () =>
  ((await import('../../../lambdas/get-secret/handler.ts')) as unknown as { handler: Handler }).handler;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function flood(plan: FloodPlan, stopped: () => boolean): Promise<FloodFigures> {
  const handler = await loadHandler();
  const statuses: Record<string, number> = {};
  let sent = 0;
  let late = 0;
  const one = async () => {
    const token = plan.tokens[Math.floor(sent / plan.perToken)];
    sent++;
    const result = await handler(apiEvent('GET', plan.path, { token }), lambdaContext());
    statuses[result.statusCode] = (statuses[result.statusCode] ?? 0) + 1;
  };
  await one();
  process.send!({ kind: 'ready' });
  const started = performance.now();
  const interval = 1000 / plan.ratePerSecond;
  const limit = Math.min(plan.maxRequests, plan.tokens.length * plan.perToken);
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; sent < limit && !stopped(); i++) {
    const elapsed = performance.now() - started;
    if (elapsed > plan.maxSeconds * 1000) break;
    const wait = i * interval - elapsed;
    if (wait > 0) await sleep(wait);
    if (inFlight.size >= plan.maxInFlight) await Promise.race(inFlight);
    if (performance.now() - started - i * interval > interval) late++;
    const request = one().finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return { sent, seconds: (performance.now() - started) / 1000, statuses, late };
}

let stop = false;
let stopRead = false;
let reader: { handler: Handler; path: string; token: string } | undefined;

const read = async () => {
  const { handler, path, token } = reader!;
  const result = await handler(apiEvent('GET', path, { token }), lambdaContext());
  if (result.statusCode !== 200) throw new Error(`reader GET ${path}: ${result.statusCode} ${result.body}`);
};

async function readPhase(samples: number, periodMs: number): Promise<number[]> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; times.length < samples && !stopRead; i++) {
    const wait = started + i * periodMs - performance.now();
    if (wait > 0) await sleep(wait);
    if (stopRead) break;
    const begun = performance.now();
    await read();
    times.push(performance.now() - begun);
  }
  return times;
}

const fail = (error: unknown) => {
  console.error('denials worker:', error);
  process.exit(1);
};

process.on('message', (message: WorkerMessage) => {
  switch (message.kind) {
    case 'flood':
      flood(message.plan, () => stop).then(
        (figures) => process.send!({ kind: 'done', figures }, () => process.exit(0)),
        fail,
      );
      break;
    case 'stop':
      stop = true;
      break;
    case 'reader':
      loadHandler()
        .then(async (handler) => {
          reader = { handler, path: message.path, token: message.token };
          for (let i = 0; i < message.warmup; i++) await read();
          process.send!({ kind: 'ready' });
        })
        .catch(fail);
      break;
    case 'read':
      stopRead = false;
      readPhase(message.samples, message.periodMs).then(
        (times) => process.send!({ kind: 'times', times }),
        fail,
      );
      break;
    case 'stop-read':
      stopRead = true;
      break;
    case 'exit':
      process.exit(0);
  }
});
