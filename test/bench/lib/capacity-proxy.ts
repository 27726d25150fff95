/**
 * Capacity units as DynamoDB bills them, counted on the wire: a proxy in front of DynamoDB Local
 * that asks for `ReturnConsumedCapacity: TOTAL` on every call the functions make (unless they ask
 * themselves) and adds up what comes back, read request units apart from write request units. The
 * functions' code is not touched; only the proxy knows it is measuring.
 */
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transactionWriteUnits } from './cost.ts';

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface Capacity {
  rru: number;
  wru: number;
  /** Calls by DynamoDB operation. */
  calls: Record<string, number>;
}

export interface CapacityProxy {
  url: string;
  /** What was consumed since the last reset. */
  read(): Capacity;
  reset(): void;
  close(): Promise<void>;
}

const readAll = async (stream: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const unitsOf = (consumed: unknown): number =>
  (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
    (sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0),
    0,
  );

export async function startCapacityProxy(upstream: string): Promise<CapacityProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  let totals: Capacity = { rru: 0, wru: 0, calls: {} };
  const server = createServer(async (req, res) => {
    try {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      let body = await readAll(req);
      const counted = READS.has(operation) || WRITES.has(operation);
      let billed: number | undefined;
      if (counted) {
        const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        // DynamoDB Local's figure for a transaction is not what AWS bills (see cost.ts).
        if (operation === 'TransactWriteItems') billed = transactionWriteUnits(input.TransactItems as never);
        input.ReturnConsumedCapacity ??= 'TOTAL';
        body = Buffer.from(JSON.stringify(input));
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
        const call = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent },
          resolve,
        );
        call.on('error', reject);
        call.end(body);
      });
      const answer = await readAll(upstreamRes);
      if (counted && upstreamRes.statusCode === 200) {
        const units = unitsOf(
          (JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: unknown }).ConsumedCapacity,
        );
        if (READS.has(operation)) totals.rru += units;
        else totals.wru += billed ?? units;
      }
      totals.calls[operation] = (totals.calls[operation] ?? 0) + 1;
      // The answer as DynamoDB Local sent it: its CRC32 header still matches the bytes.
      res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
      res.end(answer);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'InternalServerError', message: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    read: () => ({ ...totals, calls: { ...totals.calls } }),
    reset: () => {
      totals = { rru: 0, wru: 0, calls: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
