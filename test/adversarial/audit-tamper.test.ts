/**
 * The insider's view of the audit trail (issue 15): a trail built through the API, sealed by signed
 * digests, then changed directly in DynamoDB Local as someone holding the table would, and each
 * change found by verification with the public key alone, reported with what and where.
 *
 * All tests share one vault and table; each works on a secret of its own and seals and verifies
 * only that secret's lanes (the lanes port filtered by name), so one test's tampering is not
 * another's finding. A test's first digest is made before its secret exists, as at deployment.
 */
import { mkdtempSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes, parseSignedDigest } from '../../shared/audit/digest.ts';
import { KeyPairDigestSigner } from '../../shared/audit/key-pair-signer.ts';
import type { AuditLanes } from '../../shared/audit/lanes.ts';
import type { AuditReport } from '../../shared/audit/report.ts';
import { sealTrail } from '../../shared/audit/seal.ts';
import { verifyAudit } from '../../shared/audit/verify.ts';
import { type AuditRecord, recordHash } from '../../shared/domain/audit.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { digestFileName, FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { auditSk } from '../../shared/store/keys.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

let vault: InProcessVault;
let token: string;
let table: DynamoAuditLanes;
const signer = new KeyPairDigestSigner('audit-test-key');
const DAY = 86_400_000;

beforeAll(async () => {
  vault = await startInProcessVault();
  token = await vault.issuer.mint({
    sub: 'ops',
    scopes: ['user', 'vaultAdd', 'vaultManage', 'admin'],
    roles: ['app'],
  });
  table = new DynamoAuditLanes(vault.db, { tableName: vault.runtime.tableName });
});

afterAll(async () => {
  await vault.close();
});

const at = (name: string) => `/secrets/${encodeURIComponent(name)}`;
const ok = async (reply: Promise<{ status: number; text: string }>) => {
  const { status, text } = await reply;
  expect(status, text).toBeLessThan(300);
};
const read = (name: string) => ok(vault.call(token, 'GET', at(name)));
async function reads(name: string, count: number, parallel = 5) {
  let left = count;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left-- > 0) await read(name);
    }),
  );
}

/** The table's lanes of one secret only. */
const lanesOf = (name: string): AuditLanes => ({
  changedSince: async (since) => (await table.changedSince(since)).filter((pk) => pk.endsWith(`#${name}`)),
  head: (pk) => table.head(pk),
  hashAt: (pk, seq) => table.hashAt(pk, seq),
  entries: (pk, fromSeq) => table.entries(pk, fromSeq),
});

async function entriesOf(pk: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of table.entries(pk, 1)) records.push(record);
  return records;
}

/**
 * A secret with a sealed trail: a digest before it existed, then its creation and `count` reads,
 * then a digest. `lane` is its longest lane, the one tampered with.
 */
async function sealedTrail(name: string, count = 40) {
  const dir = join(mkdtempSync(join(tmpdir(), 'audit-digests-')), 'audit-digests');
  const digests = new FileDigestStore(dir);
  const lanes = lanesOf(name);
  const seal = (now = () => new Date()) => sealTrail({ lanes, digests, signer, clock: { now } });
  await seal();
  await ok(
    vault.call(token, 'POST', '/secrets', {
      name,
      data: { user: 'app', password: 'first' },
      read_roles: [{ id: 'app' }],
    }),
  );
  await reads(name, count);
  const { digest } = await seal();
  const longest = [...digest.lanes].sort((a, b) => b.count - a.count)[0]!;
  expect(longest.count).toBeGreaterThanOrEqual(5);
  const verify = async (options: { now?: Date; retentionDays?: number; intervalMinutes?: number } = {}) =>
    verifyAudit({
      digests: await digests.list(),
      publicKeySpkiDer: signer.publicKeySpkiDer,
      lanes,
      now: options.now ?? new Date(),
      retentionDays: options.retentionDays ?? 365,
      digestIntervalMinutes: options.intervalMinutes ?? 15,
    });
  return { dir, digests, seal, verify, lane: longest.pk, count: longest.count };
}

// What an insider holding the table does, item by item.
const key = (pk: string, seq: number) => ({ pk, sk: auditSk(seq) });
const remove = (pk: string, seq: number) =>
  vault.db.send(new DeleteCommand({ TableName: vault.runtime.tableName, Key: key(pk, seq) }));
const rewrite = (pk: string, record: AuditRecord) =>
  vault.db.send(
    new UpdateCommand({
      TableName: vault.runtime.tableName,
      Key: key(pk, record.seq),
      UpdateExpression: 'SET actor = :actor, prevHash = :prev, #hash = :hash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: { ':actor': record.actor, ':prev': record.prevHash, ':hash': record.hash },
    }),
  );
const rehashed = (record: AuditRecord, prevHash: string): AuditRecord => {
  const { hash: _, ...rest } = { ...record, prevHash };
  return { ...rest, hash: recordHash(rest) };
};

const found = (report: AuditReport) => report.problems.map((p) => [p.kind, p.lane ?? p.digest, p.from, p.to]);

describe('audit trail against an insider holding the table', () => {
  it('verifies an intact trail', async () => {
    const trail = await sealedTrail('intact');
    const report = await trail.verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, digests: 2, entries: 41, unsealed: 0 });
  });

  it('finds an edited middle entry', async () => {
    const { lane, verify } = await sealedTrail('edit-middle');
    await vault.db.send(
      new UpdateCommand({
        TableName: vault.runtime.tableName,
        Key: key(lane, 3),
        UpdateExpression: 'SET actor = :who',
        ExpressionAttributeValues: { ':who': 'someone-else' },
      }),
    );
    expect(found(await verify())).toEqual([['entry-edited', lane, 3, 3]]);
  });

  it('finds the newest entries of a lane deleted', async () => {
    const { lane, count, verify } = await sealedTrail('delete-newest');
    await remove(lane, count);
    await remove(lane, count - 1);
    const report = await verify();
    expect(found(report)).toEqual([['entries-deleted', lane, count - 1, count]]);
    expect(report.problems[0]!.message).toMatch(/newest/);
  });

  it('finds a whole lane deleted', async () => {
    const { lane, count, verify } = await sealedTrail('delete-lane');
    for (let seq = 1; seq <= count; seq++) await remove(lane, seq);
    expect(found(await verify())).toEqual([['lane-deleted', lane, 1, count]]);
  });

  it('finds the oldest entries deleted when retention does not explain it', async () => {
    const { lane, verify } = await sealedTrail('delete-oldest');
    await remove(lane, 1);
    await remove(lane, 2);
    const report = await verify();
    expect(found(report)).toEqual([['entries-deleted', lane, 1, 2]]);
    expect(report.problems[0]!.message).toMatch(/oldest/);
  });

  it('accepts the oldest entries gone once retention explains it, and not a day before', async () => {
    const { lane, verify } = await sealedTrail('retention');
    await remove(lane, 1);
    await remove(lane, 2);
    const later = (days: number) => ({
      now: new Date(Date.now() + days * DAY),
      intervalMinutes: 400 * 24 * 60,
    });
    const expired = await verify(later(366));
    expect(expired).toMatchObject({ ok: true, expired: 2 });
    expect(found(await verify(later(364)))).toEqual([['entries-deleted', lane, 1, 2]]);
  });

  it('finds an entry edited and the rest of its lane re-hashed to match, and the seal will not bless it', async () => {
    const { lane, count, seal, verify } = await sealedTrail('rehash-suffix');
    const records = await entriesOf(lane);
    let previous = records[1]!;
    for (const record of records.slice(2)) {
      const changed = rehashed(
        record.seq === 3 ? { ...record, actor: 'someone-else' } : record,
        previous.hash,
      );
      await rewrite(lane, changed);
      previous = changed;
    }
    const report = await verify();
    expect(found(report)).toEqual([['lane-rewritten', lane, 1, count]]);
    expect(report.problems[0]!.message).toMatch(/not the one digest 2 sealed/);

    // Readers append after the rewritten head: the next seal will not seal the lane on from it.
    await reads('rehash-suffix', 16);
    const { anomalies } = await seal();
    expect(anomalies).toContainEqual({
      pk: lane,
      problem: expect.stringMatching(new RegExp(`^entry ${count} is not the one digest 2 sealed`)),
    });
    expect(found(await verify())).toEqual([['lane-rewritten', lane, 1, count]]);
  });

  it('finds a forged digest (edited and signed with another key) and a deleted one', async () => {
    const forged = await sealedTrail('forged-digest');
    const file = join(forged.dir, digestFileName(2));
    const signed = parseSignedDigest(JSON.parse(readFileSync(file, 'utf8')), file);
    // Hide the newest entry of the longest lane, as if it had never been sealed.
    signed.digest.lanes = signed.digest.lanes.map((l) =>
      l.pk === forged.lane ? { ...l, count: l.count - 1 } : l,
    );
    const mallory = new KeyPairDigestSigner('audit-test-key');
    signed.signature = Buffer.from(await mallory.sign(canonicalBytes(signed.digest))).toString('base64');
    writeFileSync(file, JSON.stringify(signed));
    expect(found(await forged.verify())).toContainEqual(['digest-forged', 2, undefined, undefined]);

    const deleted = await sealedTrail('deleted-digest');
    await deleted.seal();
    unlinkSync(join(deleted.dir, digestFileName(2)));
    expect(found(await deleted.verify())).toEqual([['digest-missing', 2, undefined, undefined]]);
  });

  it('finds a gap in the digest schedule', async () => {
    const { seal, verify } = await sealedTrail('schedule-gap');
    await seal(() => new Date(Date.now() + 40 * 60_000));
    const report = await verify({ now: new Date(Date.now() + 41 * 60_000) });
    expect(found(report)).toEqual([['schedule-gap', 3, undefined, undefined]]);
    expect(report.problems[0]!.message).toMatch(/digests 2 and 3 are 40 min apart/);
    expect(found(await verify({ now: new Date(Date.now() + 80 * 60_000) }))).toContainEqual([
      'schedule-gap',
      3,
      undefined,
      undefined,
    ]);
  });

  it('reports entries appended after the latest digest as not yet sealed, not as broken', async () => {
    const { verify } = await sealedTrail('after-seal');
    await reads('after-seal', 6);
    const report = await verify();
    expect(report).toMatchObject({ ok: true, unsealed: 6 });
    expect(report.notes.every((note) => note.kind === 'not-yet-sealed')).toBe(true);
  });

  it('verifies an intact trail while 50 readers append to it', async () => {
    const { verify } = await sealedTrail('busy');
    let reading = true;
    let appended = 0;
    const readers = Array.from({ length: 50 }, async () => {
      while (reading) {
        await read('busy');
        appended++;
      }
    });
    try {
      for (let round = 0; round < 3; round++) {
        const report = await verify();
        expect(report.problems).toEqual([]);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect(appended).toBeGreaterThan(50);
    expect(await verify()).toMatchObject({ ok: true, unsealed: appended });
  });
});
