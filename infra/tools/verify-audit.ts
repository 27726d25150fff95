/**
 * Verifies one secret's audit chain through the API (so it works against the local server and a
 * deployed stack alike):
 *   npm run --silent audit:verify -- --secret <name> [--owner <user id>] [--url <api base>] [--token <admin token>]
 * The token defaults to $VAULT_TOKEN, the URL to $VAULT_URL or the local server. Exit 0: intact;
 * 1: broken (the first bad entry is printed); 2: could not check.
 */
import { parseArgs } from 'node:util';
import type { AuditPage } from '../../shared/client/types.ts';
import { type AuditRecord, verifyTrail } from '../../shared/domain/audit.ts';

const { values } = parseArgs({
  options: {
    secret: { type: 'string' },
    owner: { type: 'string' },
    url: { type: 'string', default: process.env.VAULT_URL ?? 'http://127.0.0.1:8080/vault/api/v1' },
    token: { type: 'string', default: process.env.VAULT_TOKEN },
  },
});

if (!values.secret || !values.token) {
  console.error(
    'usage: audit:verify -- --secret <name> [--owner <user id>] [--url <api base>] --token <admin token>',
  );
  process.exit(2);
}

/** A record as GET /audit answers it (the client's generated type). */
type WireRecord = AuditPage['items'][number];

const fromWire = (r: WireRecord): AuditRecord => ({
  lane: r.lane,
  seq: r.seq,
  at: r.at,
  action: r.action,
  outcome: r.outcome,
  secret: { name: r.secret, ...(r.owner_id !== undefined && { ownerId: r.owner_id }) },
  actor: r.actor,
  ...(r.version !== undefined && { version: r.version }),
  ...(r.reason !== undefined && { reason: r.reason }),
  traceId: r.trace_id,
  sourceIp: r.source_ip,
  prevHash: r.prev_hash,
  hash: r.hash,
});

const records: AuditRecord[] = [];
for (let offset = 0; ; offset += 100) {
  const query = new URLSearchParams({ secret: values.secret, offset: String(offset), limit: '100' });
  if (values.owner) query.set('owner', values.owner);
  const response = await fetch(`${values.url}/audit?${query}`, {
    headers: { Authorization: `Bearer ${values.token}` },
  });
  if (!response.ok) {
    console.error(`audit query failed: ${response.status} ${await response.text()}`);
    process.exit(2);
  }
  const page = (await response.json()) as { count: number; items: WireRecord[] };
  records.push(...page.items.map(fromWire));
  if (offset + 100 >= page.count) break;
}

const verdict = verifyTrail(records);
if (verdict.ok) {
  console.log(
    `audit trail of "${values.secret}" intact: ${verdict.entries} entries in ${verdict.lanes} chains`,
  );
  process.exit(0);
}
console.log(`audit trail of "${values.secret}" BROKEN at entry ${verdict.brokenAt}: ${verdict.problem}`);
process.exit(1);
