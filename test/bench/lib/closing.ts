/**
 * The report's closing note: the figures of issue 18's targets and, for each one missed, what it
 * would take, said with the figures of the same run.
 */
import type { ColdStartResult } from './cold-start.ts';
import { ASSUMPTIONS, PRICES, perMillion, secretsManager } from './cost.ts';
import type { MemoryResult } from './memory.ts';
import type { PerRequest } from './per-request.ts';
import { type CostInputs, coldStartFigures, mb, money, type Target, x } from './report.ts';
import { ms } from './stats.ts';

export interface ClosingInputs {
  targets: Target[];
  cold: ColdStartResult;
  focus: string;
  inputs: CostInputs;
  perRequest: PerRequest[];
  memory: MemoryResult;
  seconds: number;
}

export function closingNote({ targets, cold, focus, inputs, memory, seconds }: ClosingInputs): string {
  const missed = (prefix: string) => targets.some((target) => target.item.startsWith(prefix) && !target.met);
  const f = coldStartFigures(cold, focus);
  const one = cold.rows.find((row) => row.lambda === focus)!;
  const read = perMillion(inputs.read, 'HTTP API', inputs.memoryMb);
  const write = perMillion(inputs.write, 'HTTP API', inputs.memoryMb);
  const auditWrite = inputs.read.wru * PRICES.dynamoWritePerMillion;
  // A read's audit entry is one item and its by-day index entry one more (1 WRU each).
  const withoutIndex = read.total - PRICES.dynamoWritePerMillion;
  const withoutPlatform = withoutIndex - (ASSUMPTIONS.platformLogBytes / 1000) * PRICES.logsIngestGb;
  const lines: string[] = [
    '## 9. Closing note',
    '',
    `Met ${targets.filter((target) => target.met).length} of ${targets.length} targets (table at the top); the run took ${seconds.toFixed(0)} s.`,
    '',
    `**Cold start.** Full-stack functions import in ${x(f.median.importMs)} the SDK-only baseline's time (CPU ${x(f.median.importCpu)}), ${focus} in ${x(f.focus.importMs)} (CPU ${x(f.focus.importCpu)}); bundles are ${x(f.median.bytes)} (${focus} ${x(f.focus.bytes)}). Taken: request schemas in zod/mini (classic zod hung ~75 KB of methods off every function and built every schema eagerly), response schemas built on first use (no function validates against them), a JSON logger of our own instead of Powertools' (21 KB), a small data-key cache instead of lru-cache (19 KB), the security headers written out instead of computed by a middleware (6 KB), no source map and no --enable-source-maps (section 3).`,
  ];
  if (missed('1.'))
    lines.push(
      '',
      `What the rest would take: ${focus} imports ${ms(one.start.importCpuMs - one.baseline.importCpuMs)} of CPU beyond the baseline (${ms(one.start.importCpuMs)} against ${ms(one.baseline.importCpuMs)}), for ${Math.round((one.bytes - cold.baseline.bytes) / 1024)} KB of code beside the SDK. Section 3 splits it: ${cold.parts
        .slice(2)
        .map(
          (row) =>
            `without ${row.part} the import takes ${x(row.start.importCpuMs / cold.parts[0]!.start.importCpuMs)} the shipped CPU (${x(row.start.importCpuMs / cold.baseline.start.importCpuMs)} the baseline's)`,
        )
        .join(
          '; ',
        )}, while the same bundle started twice drifted by ${x(cold.parts[1]!.start.importCpuMs / cold.parts[0]!.start.importCpuMs)}: at this machine's load a part worth less than that cannot be told apart. The schemas are built at init (building them on the first request instead would move the time, not save it); the store carries listing, search and rebalancing code a GET never runs (one store class for every operation). Under 1.10x would take request validation without a schema library at run time (the schemas feed the OpenAPI document and the typed client, so the checks would have to be generated from them) and a store split by operation.`,
    );
  lines.push(
    '',
    `**Price per request.** On the HTTP API a read costs ${money(read.total)} per million (${x(read.total / secretsManager.perMillionCalls)} Secrets Manager's ${money(secretsManager.perMillionCalls)}), a write ${money(write.total)} (${x(write.total / secretsManager.perMillionCalls)}); on the REST API ${money(perMillion(inputs.read, 'REST API', inputs.memoryMb).total)} and ${money(perMillion(inputs.write, 'REST API', inputs.memoryMb).total)}. The HTTP API is the lever that pays most (${money(PRICES.apiGatewayRestPerMillion - PRICES.apiGatewayHttpPerMillion)} per million requests); Lambda at ${inputs.memoryMb} MB costs ${money(read.parts['Lambda compute'])} of compute per million reads.`,
  );
  if (missed('4.'))
    lines.push(
      '',
      `What the rest would take. Reads: the audit entry each read writes costs ${money(auditWrite)} per million (${inputs.read.wru.toFixed(1)} WRU: the entry and its by-day index entry), the API ${money(PRICES.apiGatewayHttpPerMillion)}, Lambda's requests ${money(PRICES.lambdaRequestsPerMillion)}, logs ${money(read.parts['CloudWatch Logs'])}. A read entry written without its by-day index entry (found through its secret's trail only: a change to what the audit query answers) would bring a read to ${money(withoutIndex)}, and Lambda's own platform lines left out as well (${ASSUMPTIONS.platformLogBytes} bytes assumed; a WARN system log level, at the price of the REPORT lines) to ${money(withoutPlatform)} (${x(withoutPlatform / secretsManager.perMillionCalls)}): both are trade-offs for the deployer and the audit design, not taken here. Writes: ${money(write.parts.KMS)} of KMS (one GenerateDataKey per data write; a description-only update makes none) and ${inputs.write.wru.toFixed(0)} WRU (${money(inputs.write.wru * PRICES.dynamoWritePerMillion)}: head, version and audit entry in one transaction, which DynamoDB bills twice; that transaction is the guarantee that a write and its audit entry stand or fall together, so it stays). A data key reused per secret for a bounded time and count (the AWS Encryption SDK's caching materials manager) would save up to the KMS share for bursts of writes to one secret, but nothing for writes spread over many secrets, which is how a vault is written; it would also have to drop the secret's version from the KMS encryption context the key policy requires (binding the version only through the AES-GCM additional data) and let every version written in the window fall with one leaked data key. Not taken: it does not pay for the usual pattern, and under ${money(secretsManager.perMillionCalls)} would still need the transaction smaller than it can be.`,
    );
  lines.push(
    '',
    `**Memory.** get-secret alone peaked at ${mb(memory.peakRssMb)} RSS over ${memory.requests.toLocaleString('en-US')} GETs, ${mb(memory.peakHeapUsedMb)} of heap in use at most; after warm-up RSS moved ${memory.rssSlope.toFixed(2)} MB and heap ${memory.heapSlope.toFixed(2)} MB per 1,000 requests, and the heap kept after a full GC ${mb(memory.retained[0]?.heapUsedMb ?? Number.NaN)} at the end of warm-up, ${mb(memory.retained[1]?.heapUsedMb ?? Number.NaN)} at the end. The cost model uses ${inputs.memoryMb} MB, the cheapest size that peak fits in; at that size a GET is estimated at ${ms(perMillion(inputs.read, 'HTTP API', inputs.memoryMb).billedMs)} billed, against ${ms(perMillion(inputs.read, 'HTTP API', 512).billedMs)} at the 512 MB the construct deploys by default (CPU-bound parts slow down with the CPU share: the deployer picks latency or cents).`,
  );
  if (missed('5.'))
    lines.push(
      '',
      `What 128 MB would take: the peak is ${memory.rssAnonMb !== undefined ? `${mb(memory.rssAnonMb)} anonymous memory (the heap V8 keeps committed, with a young generation of up to three ${Math.floor(Math.floor(memory.memoryMb / 10) / 2)} MB semi-spaces at the flags Lambda is assumed to start Node with) and ${mb(memory.rssFileMb ?? 0)} of file pages (the Node binary, mostly)` : 'mostly heap V8 keeps committed'}. A smaller young generation brings it under (a separate run of 1,000 GETs with --max-semi-space-size=1 peaked at about 125 MB), but Lambda's bootstrap passes its own flags on the command line, which win over NODE_OPTIONS; the rest would be less code and fewer live objects per request.`,
    );
  return lines.join('\n');
}
