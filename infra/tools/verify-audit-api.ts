/**
 * audit:verify's older mode: one secret's chains read through GET /audit (works wherever the API
 * does, with an admin token, and needs neither the table nor the digests). It checks only that
 * each lane is a chain: nothing anchors it, so deleting a lane's newest or oldest entries, or
 * re-hashing a suffix, goes unseen. The digest mode (verify-audit.ts) is the one an insider cannot fool.
 * Pages are taken over a window frozen at the start (until = then) and de-duplicated, so entries
 * appended while it reads neither shift the pages nor look like a break.
 */
import type { AuditPage } from '../../shared/client/types.ts';
import { type AuditRecord, verifyTrail } from '../../shared/domain/audit.ts';

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

const PAGE = 100;

/** Exit code: 0 intact, 1 broken or no entries at all, 2 could not check. */
export async function verifyThroughApi(options: {
  secret: string;
  owner?: string | undefined;
  url: string;
  token: string;
}): Promise<number> {
  const until = new Date().toISOString();
  const records = new Map<string, AuditRecord>();
  for (let offset = 0; ; offset += PAGE) {
    const query = new URLSearchParams({
      secret: options.secret,
      until,
      offset: String(offset),
      limit: String(PAGE),
    });
    if (options.owner) query.set('owner', options.owner);
    let response: Response;
    try {
      response = await fetch(`${options.url}/audit?${query}`, {
        headers: { Authorization: `Bearer ${options.token}` },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      console.error(
        `could not check: ${options.url} unreachable (${cause?.code ?? cause?.message ?? (error as Error).message})`,
      );
      return 2;
    }
    if (response.status === 404) break;
    if (!response.ok) {
      const body = (await response.text()).replaceAll(/\s*\n\s*/g, ' ');
      console.error(`could not check: GET /audit answered ${response.status} ${body}`);
      return 2;
    }
    const page = (await response.json()) as { count: number; items: WireRecord[] };
    for (const record of page.items.map(fromWire)) records.set(`${record.lane}#${record.seq}`, record);
    if (offset + PAGE >= page.count) break;
  }
  // A trail that is not there is not intact: a wrong name, or nothing audited yet.
  if (records.size === 0) {
    console.log(`no audit entries for ${options.secret}`);
    return 1;
  }
  const verdict = verifyTrail([...records.values()]);
  if (verdict.ok) {
    console.log(
      `audit trail of "${options.secret}" intact: ${verdict.entries} entries in ${verdict.lanes} chains (unanchored: no digests checked)`,
    );
    return 0;
  }
  console.log(`audit trail of "${options.secret}" BROKEN at entry ${verdict.brokenAt}: ${verdict.problem}`);
  return 1;
}
