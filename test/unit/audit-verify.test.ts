/**
 * Verification against in-memory lanes: every tampering as the table's holder could do it, and
 * what is reported for it. test/adversarial/audit-tamper.test.ts does the same on DynamoDB Local.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../shared/audit/digest.ts';
import { KeyPairDigestSigner } from '../../shared/audit/key-pair-signer.ts';
import type { ProblemKind } from '../../shared/audit/report.ts';
import { sealTrail } from '../../shared/audit/seal.ts';
import { verifyAudit } from '../../shared/audit/verify.ts';
import { type AuditEvent, type AuditRecord, recordHash } from '../../shared/domain/audit.ts';
import { MemoryDigestStore, MemoryLanes, testClock } from '../support/memory-audit.ts';

const A = 'A#shared#0#db';
const B = 'A#o:u1#3#notes';
const MINUTE = 60_000;
const DAY = 86_400_000;

const event = (at: string, actor = 'alice'): AuditEvent => ({
  action: 'read',
  outcome: 'success',
  secret: { name: 'db' },
  actor,
  traceId: 't',
  sourceIp: '10.0.0.1',
  at,
});

let clock: ReturnType<typeof testClock>;
let lanes: MemoryLanes;
let digests: MemoryDigestStore;
let signer: KeyPairDigestSigner;

const seal = () => sealTrail({ lanes, digests, signer, clock });
const append = (pk: string, n: number) => {
  for (let i = 0; i < n; i++) lanes.append(pk, event(clock.iso()));
  clock.advance(MINUTE);
};
const verify = async (options: { retentionDays?: number; intervalMinutes?: number } = {}) =>
  verifyAudit({
    digests: await digests.list(),
    publicKeySpkiDer: signer.publicKeySpkiDer,
    lanes,
    now: clock.now(),
    retentionDays: options.retentionDays ?? 365,
    digestIntervalMinutes: options.intervalMinutes ?? 15,
  });
const kinds = (report: { problems: Array<{ kind: ProblemKind }> }) => report.problems.map((p) => p.kind);
const lane = (pk: string) => lanes.lanes.get(pk)!;
const rehash = (records: AuditRecord[], from: number) => {
  for (let i = from; i < records.length; i++) {
    const { hash: _, ...rest } = {
      ...records[i]!,
      prevHash: i === 0 ? records[0]!.prevHash : records[i - 1]!.hash,
    };
    records[i] = { ...rest, hash: recordHash(rest) };
  }
};

beforeEach(async () => {
  clock = testClock('2026-01-01T00:00:00.000Z');
  lanes = new MemoryLanes();
  digests = new MemoryDigestStore();
  signer = new KeyPairDigestSigner();
  await seal(); // made at deployment, before the trail holds anything
  append(A, 10);
  append(B, 5);
  await seal();
  clock.advance(10 * MINUTE);
  append(A, 3);
  await seal();
  clock.advance(MINUTE);
});

describe('verifyAudit', () => {
  it('finds an intact trail intact', async () => {
    const report = await verify();
    expect(report).toMatchObject({ ok: true, problems: [], digests: 3, lanes: 2, entries: 18, unsealed: 0 });
  });

  it('reports an edited middle entry by lane and seq', async () => {
    lane(A)[4] = { ...lane(A)[4]!, actor: 'mallory' };
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'entry-edited', lane: A, from: 5, to: 5 }),
    ]);
  });

  it('reports an entry edited and re-hashed on its own as a broken chain after it', async () => {
    const records = lane(A);
    records[4] = { ...records[4]!, actor: 'mallory' };
    const { hash: _, ...rest } = records[4]!;
    records[4] = { ...rest, hash: recordHash(rest) };
    expect((await verify()).problems).toEqual([
      expect.objectContaining({ kind: 'chain-broken', lane: A, from: 6 }),
    ]);
  });

  it('reports the newest, the oldest and middle entries deleted, each by position', async () => {
    lanes.lanes.set(
      A,
      lane(A).filter((r) => r.seq !== 12 && r.seq !== 13),
    );
    lanes.lanes.set(
      B,
      lane(B).filter((r) => r.seq > 2 && r.seq !== 4),
    );
    const report = await verify();
    expect(report.problems.map((p) => [p.kind, p.lane, p.from, p.to, p.message.split(' (')[1]])).toEqual([
      ['entries-deleted', B, 1, 2, 'oldest)'],
      ['entries-deleted', B, 4, 4, 'middle)'],
      ['entries-deleted', A, 12, 13, 'newest)'],
    ]);
  });

  it('reports a deleted lane', async () => {
    lanes.lanes.delete(B);
    expect((await verify()).problems).toEqual([
      expect.objectContaining({ kind: 'lane-deleted', lane: B, from: 1, to: 5 }),
    ]);
  });

  it('reports a rewritten suffix (edited, then every later entry re-hashed) as not what was sealed', async () => {
    const records = lane(A);
    records[7] = { ...records[7]!, actor: 'mallory' };
    rehash(records, 7);
    const report = await verify();
    // Digest 2 sealed entry 10; entries 1..7 are untouched but no digest sealed a head among them.
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'lane-rewritten', lane: A, from: 1, to: 10 }),
    ]);
  });

  it('reports a forged digest (edited and signed with another key) and the chain it breaks', async () => {
    const forged = (await digests.list())[1]!;
    forged.digest.lanes = forged.digest.lanes.filter((l) => l.pk !== B);
    const other = new KeyPairDigestSigner();
    forged.signature = Buffer.from(await other.sign(canonicalBytes(forged.digest))).toString('base64');
    digests.digests.set(2, forged);
    // The forged digest vouches for nothing: lane B, sealed only there, is left in no digest.
    expect((await verify()).problems).toEqual([
      expect.objectContaining({ kind: 'digest-forged', digest: 2 }),
      expect.objectContaining({ kind: 'digest-chain-broken', digest: 3 }),
      expect.objectContaining({ kind: 'unsealed-stale', lane: B }),
    ]);
  });

  it('reports a deleted digest', async () => {
    digests.digests.delete(2);
    expect(kinds(await verify())).toContain('digest-missing');
  });

  it('reports a gap in the schedule, between digests and since the latest', async () => {
    clock.advance(40 * MINUTE);
    await seal();
    clock.advance(31 * MINUTE);
    const report = await verify();
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'schedule-gap', digest: 4 }),
      expect.objectContaining({ kind: 'schedule-gap', digest: 4, message: expect.stringMatching(/latest/) }),
    ]);
  });

  it('reports entries after the latest digest as not yet sealed, chained on from its head', async () => {
    append(A, 2);
    append('A#shared#5#db', 1);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, unsealed: 3 });
    expect(report.notes.map((n) => n.message)).toEqual([
      `lane ${A}: not yet sealed: 2 entries after entry 13`,
      'lane A#shared#5#db: not yet sealed: 1 entries',
    ]);
    lane(A)[13] = { ...lane(A)[13]!, prevHash: 'f'.repeat(64) };
    const { hash: _, ...rest } = lane(A)[13]!;
    lane(A)[13] = { ...rest, hash: recordHash(rest) };
    expect((await verify()).problems.map((p) => [p.kind, p.from])).toEqual([
      ['chain-broken', 14],
      ['chain-broken', 15],
    ]);
  });

  it('reports unsealed entries older than the latest digest (inserted afterwards)', async () => {
    const backdated = event(new Date(clock.now().getTime() - 60 * MINUTE).toISOString(), 'ghost');
    lanes.append('A#shared#7#db', backdated);
    expect(kinds(await verify())).toEqual(['unsealed-stale']);
  });

  it('accepts the oldest entries gone by retention, and only those', async () => {
    clock.advance(366 * DAY);
    await seal();
    append(A, 1);
    await seal();
    const yearly = { intervalMinutes: 200 * 24 * 60 };
    // Entries 1..13 of A and all of B were sealed more than the retention ago; TTL removed them.
    lanes.lanes.set(
      A,
      lane(A).filter((r) => r.seq > 10),
    );
    lanes.lanes.delete(B);
    const report = await verify(yearly);
    expect(report).toMatchObject({ ok: true, expired: 15 });
    // Entry 14 is a day old: nothing explains its absence.
    lanes.lanes.set(
      A,
      lane(A).filter((r) => r.seq !== 14),
    );
    expect((await verify(yearly)).problems).toEqual([
      expect.objectContaining({ kind: 'entries-deleted', lane: A, from: 14, to: 14 }),
    ]);
  });
});
