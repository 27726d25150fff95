/**
 * Dollars from counted calls and public list prices (us-east-1, on-demand; the sources are named
 * beside each price). Every assumption is a named constant, so the model can be argued with.
 */
export const PRICES = {
  apiGatewayRestPerMillion: 3.5, // API Gateway REST API, first 333M requests/month
  lambdaRequestsPerMillion: 0.2,
  lambdaArmGbSecond: 0.0000133334, // Lambda, Arm
  dynamoReadPerMillion: 0.125, // DynamoDB on-demand read request units
  dynamoWritePerMillion: 0.625, // DynamoDB on-demand write request units
  dynamoStorageGbMonth: 0.25,
  kmsPer10k: 0.03, // KMS symmetric requests
  kmsKeyMonth: 1,
  logsIngestGb: 0.5, // CloudWatch Logs ingestion (one ~350-byte access line per request)
  alarmMonth: 0.1,
  dashboardMonth: 3,
  secretsManagerSecretMonth: 0.4, // AWS Secrets Manager
  secretsManagerPer10kCalls: 0.05,
} as const;

export const ASSUMPTIONS = {
  lambdaMemoryGb: 0.5,
  logBytesPerRequest: 350,
  /** Reads whose data key is not in the function's cache (5-minute TTL): a cold container, a new version. */
  coldReadFraction: 0.05,
  /** Per secret: head, kept versions (3 on average), 2 listing entries, 100 audit entries of ~400 bytes. */
  bytesPerSecret: 1024 + 3 * 1024 + 2 * 400 + 100 * 400,
  alarms: 60,
} as const;

export interface CallCounts {
  rru: number;
  wru: number;
  kms: number;
}

/** Capacity per request, from the store's item sizes: every item here is under 1 KB (writes) and 4 KB (reads). */
export const CALLS: Record<'read' | 'write', CallCounts> = {
  // Strongly consistent head read (1), audit chain head query (1), audit entry put (1).
  read: { rru: 2, wru: 1, kms: ASSUMPTIONS.coldReadFraction },
  // Head read (1), audit query (1); transaction of head, version and 2 listing entries (4 items, doubled), audit put (1).
  write: { rru: 2, wru: 9, kms: 1 },
};

export function perMillion(calls: CallCounts, lambdaMs: number) {
  const m = 1_000_000;
  const parts = {
    'API Gateway': PRICES.apiGatewayRestPerMillion,
    'Lambda requests': PRICES.lambdaRequestsPerMillion,
    'Lambda compute':
      m * ASSUMPTIONS.lambdaMemoryGb * (Math.ceil(lambdaMs) / 1000) * PRICES.lambdaArmGbSecond,
    DynamoDB: calls.rru * PRICES.dynamoReadPerMillion + calls.wru * PRICES.dynamoWritePerMillion,
    KMS: (calls.kms * m * PRICES.kmsPer10k) / 10_000,
    'CloudWatch Logs': ((m * ASSUMPTIONS.logBytesPerRequest) / 1e9) * PRICES.logsIngestGb,
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
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
