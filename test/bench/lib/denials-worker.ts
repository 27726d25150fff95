/**
 * The flood of denied requests for the flooding benchmark (lib/denials.ts), in a process of its
 * own as an attacker's requests run in Lambda instances of their own: it invokes the GET handler
 * in process with the environment of the parent (DynamoDB Local, the local KMS endpoint, the dev
 * issuer's JWKS on loopback), paced at a fixed rate with a cap on requests in flight, and stops at
 * the parent's word, at its count cap or at its time cap, whichever comes first.
 *
 * Messages: parent → { kind: 'start', plan } then { kind: 'stop' }; child → { kind: 'ready' }
 * (after a first request: the handler and the JWKS are loaded) then { kind: 'done', figures }.
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
}

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

async function flood(plan: FloodPlan, stopped: () => boolean): Promise<FloodFigures> {
  const { handler } = (await import('../../../lambdas/get-secret/handler.ts')) as unknown as {
    handler: Handler;
  };
  const statuses: Record<string, number> = {};
  let sent = 0;
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
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight.size >= plan.maxInFlight) await Promise.race(inFlight);
    const request = one().finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return { sent, seconds: (performance.now() - started) / 1000, statuses };
}

let stop = false;
process.on('message', (message: { kind: 'start'; plan: FloodPlan } | { kind: 'stop' }) => {
  if (message.kind === 'stop') stop = true;
  else
    flood(message.plan, () => stop).then(
      (figures) => process.send!({ kind: 'done', figures }, () => process.exit(0)),
      (error: unknown) => {
        console.error('flood:', error);
        process.exit(1);
      },
    );
});
