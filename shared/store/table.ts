/** The table's shape, shared by the CDK app and the local runtime so both build the same table. */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Items carrying this attribute (epoch seconds) are purged by DynamoDB TTL: soft-deleted secrets, old audit entries. */
export const TTL_ATTRIBUTE = 'ttlEpoch';
/** Audit entries by day, for time-range queries across secrets (projection: all). */
export const AUDIT_INDEX = { name: 'byDay', partitionKey: 'dayPk', sortKey: 'daySk' } as const;
