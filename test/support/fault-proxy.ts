/**
 * A proxy in front of DynamoDB Local that can fail chosen calls the way DynamoDB does (throttling,
 * internal errors) or hang them (timeouts). Faults a real local DynamoDB cannot produce on demand;
 * everything else passes through untouched.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `lost`: the call reaches DynamoDB (a write commits) but its answer is an internal error. */
export type FaultKind = 'throttle' | 'internal' | 'timeout' | 'lost';

export interface Fault {
  /** DynamoDB operation, e.g. GetItem or TransactWriteItems; `*` for any. */
  operation: string;
  kind: FaultKind;
  /** How many matching calls fail; Infinity until cleared. */
  count: number;
  /** How many matching calls pass before the failures start (default 0). */
  after?: number;
}

const BODIES: Record<Exclude<FaultKind, 'timeout'>, { status: number; type: string }> = {
  throttle: { status: 400, type: 'ProvisionedThroughputExceededException' },
  internal: { status: 500, type: 'InternalServerError' },
  lost: { status: 500, type: 'InternalServerError' },
};

export interface FaultProxy {
  url: string;
  inject(fault: Fault): void;
  clear(): void;
  /** Calls that were failed or hung so far. */
  injected(): number;
  /** The operation of every call seen so far, in order (failed ones included). */
  calls(): readonly string[];
  close(): Promise<void>;
}

const readAll = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Sends a call to DynamoDB and waits for its answer, which is then dropped. */
function passThrough(target: URL, req: IncomingMessage, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => upstreamRes.resume().on('end', resolve).on('error', reject),
    );
    call.on('error', reject);
    call.end(body);
  });
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  let faults: Fault[] = [];
  let injected = 0;
  const seen: string[] = [];
  const target = new URL(upstream);
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    seen.push(operation);
    const matching = faults.find((f) => f.count > 0 && (f.operation === '*' || f.operation === operation));
    const fault = matching && (matching.after ?? 0) > 0 ? undefined : matching;
    if (matching && matching !== fault) matching.after = (matching.after ?? 0) - 1;
    if (fault) {
      fault.count--;
      injected++;
      if (fault.kind === 'timeout') return; // never answers: the client's timeout must fire
      if (fault.kind === 'lost') await passThrough(target, req, body).catch(() => undefined);
      const { status, type } = BODIES[fault.kind];
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${type}`,
          message: `injected ${fault.kind}`,
        }),
      );
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (fault) => faults.push({ ...fault }),
    clear: () => {
      faults = [];
    },
    injected: () => injected,
    calls: () => seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
