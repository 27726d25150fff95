/**
 * One function instance as Lambda runs it, for the memory and per-request sections
 * (lib/lambda-process.ts): a process of its own, started with the heap limits of its memory size,
 * that imports bundled handlers (as deployed, not the TypeScript sources) and invokes them one
 * request at a time with the API Gateway events it is given. It imports nothing of the vault's
 * itself, so what it measures is the function's own memory.
 *
 * Parent → child (IPC, once): a WorkerJob. Child → parent: { kind: 'done', result } and exit.
 * Stdout carries the functions' own log lines, as in Lambda; the parent discards them.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface WorkerStep {
  name: string;
  /** The bundled handler (an .mjs file). */
  bundle: string;
  /** Used in turn, one per request. */
  events: unknown[];
  count: number;
}

export interface WorkerJob {
  steps: WorkerStep[];
  memoryMb: number;
  /** Memory is sampled every this many requests (counted over all steps). */
  sampleEvery: number;
  /** After these request counts a full GC runs (Lambda starts Node with --expose-gc) and the heap it keeps is recorded. */
  gcAfter: number[];
}

export interface MemorySample {
  requests: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

export interface WorkerResult {
  importMs: number;
  steps: Array<{ name: string; wallMs: number[]; cpuMs: number[]; statuses: Record<string, number> }>;
  samples: MemorySample[];
  /** Heap and RSS just after a full GC, at the request counts asked for. */
  retained: MemorySample[];
  /** The process's peak resident set (getrusage). */
  maxRssMb: number;
  /** At the end, from /proc (Linux): anonymous memory apart from file pages (the Node binary, mostly). */
  rssAnonMb?: number;
  rssFileMb?: number;
}

const MB = 1024 * 1024;
const sample = (requests: number): MemorySample => {
  const usage = process.memoryUsage();
  return {
    requests,
    rssMb: usage.rss / MB,
    heapUsedMb: usage.heapUsed / MB,
    heapTotalMb: usage.heapTotal / MB,
    externalMb: usage.external / MB,
  };
};

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

async function run(job: WorkerJob): Promise<WorkerResult> {
  const handlers = new Map<string, Handler>();
  const importStarted = performance.now();
  for (const step of job.steps)
    if (!handlers.has(step.bundle))
      handlers.set(
        step.bundle,
        ((await import(pathToFileURL(step.bundle).href)) as { handler: Handler }).handler,
      );
  const importMs = performance.now() - importStarted;
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: MemorySample[] = [sample(0)];
  const retained: MemorySample[] = [];
  const steps: WorkerResult['steps'] = [];
  let requests = 0;
  for (const step of job.steps) {
    const handler = handlers.get(step.bundle)!;
    const wallMs: number[] = [];
    const cpuMs: number[] = [];
    const statuses: Record<string, number> = {};
    for (let i = 0; i < step.count; i++) {
      const id = `bench-${requests}`;
      const event = step.events[i % step.events.length] as { requestContext?: object };
      const context = {
        awsRequestId: id,
        functionName: step.name,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${step.name}`,
        memoryLimitInMB: String(job.memoryMb),
        getRemainingTimeInMillis: () => 10_000,
      };
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await handler(
        { ...event, requestContext: { ...event.requestContext, requestId: id } },
        context,
      );
      wallMs.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
      statuses[result.statusCode] = (statuses[result.statusCode] ?? 0) + 1;
      requests++;
      if (requests % job.sampleEvery === 0) samples.push(sample(requests));
      if (gc && job.gcAfter.includes(requests)) {
        gc();
        retained.push(sample(requests));
      }
    }
    steps.push({ name: step.name, wallMs, cpuMs, statuses });
  }
  return {
    importMs,
    steps,
    samples,
    retained,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    ...procStatus(),
  };
}

/** RssAnon and RssFile of /proc/self/status, where there is one. */
function procStatus(): { rssAnonMb?: number; rssFileMb?: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
    return { rssAnonMb: kb('RssAnon'), rssFileMb: kb('RssFile') };
  } catch {
    return {};
  }
}

process.once('message', (job: WorkerJob) => {
  run(job).then(
    (result) => process.send!({ kind: 'done', result }, () => process.exit(0)),
    (error: unknown) => {
      console.error('lambda worker:', error);
      process.exit(1);
    },
  );
});
