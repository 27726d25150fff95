/**
 * Dollars from measured consumption and public list prices (us-east-1, on-demand). What a request
 * consumes (capacity units, KMS calls, CPU and wall time, log bytes) is measured by the bench
 * (lib/per-request.ts, lib/memory.ts); every price and every assumption left is a named constant
 * here, so the model can be argued with.
 */
export const PRICES = {
  apiGatewayRestPerMillion: 3.5, // API Gateway REST API, first 333M requests/month
  apiGatewayHttpPerMillion: 1.0, // API Gateway HTTP API, first 300M requests/month
  lambdaRequestsPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334, // Lambda, Arm
  dynamoReadPerMillion: 0.125, // DynamoDB on-demand read request units
  dynamoWritePerMillion: 0.625, // DynamoDB on-demand write request units
  dynamoStorageGbMonth: 0.25,
  kmsPer10k: 0.03, // KMS symmetric requests
  kmsKeyMonth: 1,
  logsIngestGb: 0.5, // CloudWatch Logs ingestion
  alarmMonth: 0.1,
  dashboardMonth: 3,
  secretsManagerSecretMonth: 0.4, // AWS Secrets Manager
  secretsManagerPer10kCalls: 0.05,
} as const;

export const ASSUMPTIONS = {
  /** Reads whose data key is not in the function's cache (5-minute TTL): a cold instance, a new version. */
  coldReadFraction: 0.05,
  /**
   * Lambda's own lines per invocation in the JSON log format (platform.start and platform.report),
   * beside the function's access line, which is measured.
   */
  platformLogBytes: 600,
  /** Lambda gives a function one full vCPU at 1,769 MB, and a share in proportion below that. */
  fullCpuMb: 1769,
  /** Per secret: head, kept versions (3 on average), 2 listing entries, 100 audit entries of ~400 bytes. */
  bytesPerSecret: 1024 + 3 * 1024 + 2 * 400 + 100 * 400,
  alarms: 60,
} as const;

/** The memory sizes the model weighs; a size is an option when the measured peak fits in it. */
export const MEMORY_SIZES = [128, 256, 512, 1024] as const;

export type Api = 'HTTP API' | 'REST API';

/** What one request consumes, as measured. */
export interface Usage {
  rru: number;
  wru: number;
  kms: number;
  /** Wall clock of a warm request, measured locally (one core, local DynamoDB: pessimistic on I/O). */
  wallMs: number;
  /** CPU time of a warm request, measured locally on one core. */
  cpuMs: number;
  logBytes: number;
}

/**
 * A warm request's duration at a memory size: the time it waits on others as measured, and its
 * CPU time stretched by the share of a vCPU Lambda gives that size (an assumption: CPU scales
 * linearly with memory up to one vCPU at 1,769 MB, as Lambda documents; a local core is a full one).
 */
export function durationAt(memoryMb: number, usage: Pick<Usage, 'wallMs' | 'cpuMs'>): number {
  const stretch = Math.max(1, ASSUMPTIONS.fullCpuMb / memoryMb);
  return usage.wallMs + usage.cpuMs * (stretch - 1);
}

export function perMillion(usage: Usage, api: Api, memoryMb: number) {
  const m = 1_000_000;
  const billedMs = Math.ceil(durationAt(memoryMb, usage));
  const parts = {
    'API Gateway': api === 'HTTP API' ? PRICES.apiGatewayHttpPerMillion : PRICES.apiGatewayRestPerMillion,
    'Lambda requests': PRICES.lambdaRequestsPerMillion,
    'Lambda compute': m * (memoryMb / 1024) * (billedMs / 1000) * PRICES.lambdaArmGbSecond,
    DynamoDB: usage.rru * PRICES.dynamoReadPerMillion + usage.wru * PRICES.dynamoWritePerMillion,
    KMS: (usage.kms * m * PRICES.kmsPer10k) / 10_000,
    'CloudWatch Logs': ((m * (usage.logBytes + ASSUMPTIONS.platformLogBytes)) / 1e9) * PRICES.logsIngestGb,
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0), billedMs };
}

/** The cheapest memory size whose limit holds the measured peak (the smallest: compute only grows with size). */
export function chooseMemory(peakRssMb: number): { memoryMb: number; fits: number[] } {
  const fits = MEMORY_SIZES.filter((size) => peakRssMb <= size);
  return { memoryMb: fits[0] ?? MEMORY_SIZES[MEMORY_SIZES.length - 1]!, fits };
}

export function storagePerMonth(secrets: number) {
  const dynamo = ((secrets * ASSUMPTIONS.bytesPerSecret) / 1e9) * PRICES.dynamoStorageGbMonth;
  const fixed = 2 * PRICES.kmsKeyMonth + PRICES.dashboardMonth + ASSUMPTIONS.alarms * PRICES.alarmMonth;
  return { dynamo, fixed, total: dynamo + fixed };
}

export const secretsManager = {
  perMillionCalls: (1_000_000 / 10_000) * PRICES.secretsManagerPer10kCalls,
  perMonth: (secrets: number) => secrets * PRICES.secretsManagerSecretMonth,
};

/**
 * Write units AWS bills a TransactWriteItems request (its items as DynamoDB JSON, as they go on
 * the wire): 2 per KB of each item, rounded up per item. DynamoDB Local reports no such thing
 * (7 small items: 2 units; two 3 KB ones: 6), so the write cost is counted from the request.
 * A Put's item is measured; an Update, Delete or ConditionCheck is taken as one KB: the store's
 * are of counters, listing-directory ranges and stamps, due items and version expiries (a soft
 * delete's, of whole versions, are under-counted).
 */
export function transactionWriteUnits(
  transactItems: ReadonlyArray<Record<string, { Item?: unknown }>>,
): number {
  return transactItems.reduce((units, action) => {
    const put = action.Put?.Item as Record<string, unknown> | undefined;
    return units + 2 * (put ? Math.max(1, Math.ceil(itemBytes(put) / 1024)) : 1);
  }, 0);
}

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** An item's size as DynamoDB counts it: attribute names and values, lists and maps 3 bytes more. */
export function itemBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueBytes(value);
  return size;
}

function valueBytes(value: unknown): number {
  const [type, inner] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  switch (type) {
    case 'S':
      return utf8(inner as string);
    case 'N':
      return Math.ceil((inner as string).replace(/[^0-9]/g, '').length / 2) + 1;
    case 'B':
      return Math.floor(((inner as string).length * 3) / 4);
    case 'L':
      return 3 + (inner as unknown[]).reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
    case 'M':
      return 3 + itemBytes(inner as Record<string, unknown>);
    case 'SS':
      return (inner as string[]).reduce((sum, element) => sum + utf8(element), 0);
    default:
      return 1;
  }
}
