import { describe, expect, it } from 'vitest';
import {
  type AuditEvent,
  type AuditRecord,
  GENESIS,
  nextRecord,
  verifyChain,
  verifyTrail,
} from '../../shared/domain/audit.ts';
import { createSecret } from '../../shared/domain/create-secret.ts';
import { getSecret } from '../../shared/domain/get-secret.ts';
import { caller } from '../support/callers.ts';
import { memoryDeps } from '../support/memory-store.ts';

const event = (action: AuditEvent['action'], i: number): AuditEvent => ({
  action,
  outcome: 'success',
  secret: { name: 'db' },
  actor: `user-${i}`,
  version: i,
  traceId: `trace-${i}`,
  sourceIp: '10.0.0.1',
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= length; i++) records.push(nextRecord(event('read', i), records.at(-1)));
  return records;
}

describe('audit hash chain', () => {
  it('links each entry to the one before, starting from the genesis hash', () => {
    const records = chain(5);
    expect(records[0]).toMatchObject({ seq: 1, prevHash: GENESIS });
    expect(records[3]!.prevHash).toBe(records[2]!.hash);
    expect(verifyChain(records)).toEqual({ ok: true, entries: 5, firstSeq: 1 });
  });

  it('detects an edited, a removed and a reordered entry', () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, actor: 'someone-else' };
    expect(verifyChain(edited)).toMatchObject({ ok: false, brokenAt: 3 });

    const removed = chain(5);
    removed.splice(2, 1);
    expect(verifyChain(removed)).toMatchObject({ ok: false, brokenAt: 4 });

    const reordered = chain(5);
    [reordered[1], reordered[2]] = [reordered[2]!, reordered[1]!];
    expect(verifyChain(reordered)).toMatchObject({ ok: false });

    const rehashed = chain(3);
    const forged = nextRecord({ ...event('read', 9), actor: 'mallory' }, rehashed[0]);
    expect(verifyChain([rehashed[0]!, forged, rehashed[2]!])).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('accepts a chain whose oldest entries expired under retention', () => {
    expect(verifyChain(chain(6).slice(2))).toEqual({ ok: true, entries: 4, firstSeq: 3 });
  });
});

describe('a trail of several lanes', () => {
  const lane = (number: number, length: number) => {
    const records: AuditRecord[] = [];
    for (let i = 1; i <= length; i++)
      records.push(nextRecord(event('read', number * 10 + i), records.at(-1), number));
    return records;
  };

  it('verifies each lane on its own, records in any order', () => {
    const trail = [...lane(0, 3), ...lane(5, 4)].reverse();
    expect(verifyTrail(trail)).toMatchObject({ ok: true, entries: 7, lanes: 2 });
  });

  it('names the lane that was tampered with, and a record moved to another lane breaks it', () => {
    const tampered = [...lane(0, 3), ...lane(2, 3)];
    tampered[4] = { ...tampered[4]!, actor: 'mallory' };
    expect(verifyTrail(tampered)).toMatchObject({ ok: false, problem: expect.stringMatching(/^lane 2:/) });
    const moved = [...lane(0, 3), ...lane(1, 3)];
    moved[1] = { ...moved[1]!, lane: 1, seq: 4 };
    expect(verifyTrail(moved).ok).toBe(false);
  });
});

describe('what gets recorded', () => {
  it('a create, a read of data and a denied read, each with actor and trace id, never the value', async () => {
    const deps = memoryDeps();
    const adder = { ...caller('bot', ['vaultAdd']), traceId: 't-1', sourceIp: '192.0.2.1' };
    await createSecret(deps, adder, {
      ref: { name: 'db' },
      data: { password: 'hunter2' },
      readRoles: ['r'],
      writeRoles: [],
    });
    await getSecret(
      deps,
      { ...caller('rita', ['user'], ['r']), traceId: 't-2', sourceIp: '192.0.2.2' },
      { name: 'db' },
    );
    await getSecret(
      deps,
      { ...caller('sam', ['user'], ['x']), traceId: 't-3', sourceIp: '192.0.2.3' },
      { name: 'db' },
    ).catch(() => undefined);
    const records = deps.audit.of({ name: 'db' });
    expect(records.map((r) => [r.action, r.outcome, r.actor, r.traceId, r.sourceIp])).toEqual([
      ['create', 'success', 'bot', 't-1', '192.0.2.1'],
      ['read', 'success', 'rita', 't-2', '192.0.2.2'],
      ['read', 'denied', 'sam', 't-3', '192.0.2.3'],
    ]);
    expect(JSON.stringify(records)).not.toContain('hunter2');
    expect(verifyChain(records).ok).toBe(true);
  });

  it('metadata and writer reads without data are not "read" events', async () => {
    const deps = memoryDeps();
    await createSecret(deps, caller('bot', ['vaultAdd']), {
      ref: { name: 'db' },
      data: {},
      readRoles: [],
      writeRoles: ['w'],
    });
    await getSecret(deps, caller('walt', ['user'], ['w']), { name: 'db' });
    expect(deps.audit.of({ name: 'db' }).map((r) => r.action)).toEqual(['create']);
  });
});
