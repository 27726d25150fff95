import { createHash, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  type Digest,
  DigestExistsError,
  digestHash,
  MalformedDigestError,
  parseSignedDigest,
} from '../../shared/audit/digest.ts';
import { KeyPairDigestSigner } from '../../shared/audit/key-pair-signer.ts';
import { sealTrail } from '../../shared/audit/seal.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { MemoryDigestStore, MemoryLanes, testClock } from '../support/memory-audit.ts';

const digest: Digest = {
  format: 1,
  seq: 2,
  at: '2026-01-01T00:15:00.000Z',
  previous: { hash: 'a'.repeat(64), signature: 'c2ln' },
  lanes: [
    { pk: 'A#shared#1#b', count: 3, headHash: 'b'.repeat(64), headAt: '2026-01-01T00:10:00.000Z' },
    { pk: 'A#shared#0#a', count: 1, headHash: 'c'.repeat(64), headAt: '2026-01-01T00:05:00.000Z' },
  ],
  keyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
  algorithm: 'ECDSA_SHA_256',
};

describe('digest canonical form', () => {
  it('is JSON with keys in a fixed order and lanes sorted by pk, whatever order they came in', () => {
    const shuffled = JSON.parse(
      JSON.stringify({
        algorithm: digest.algorithm,
        keyId: digest.keyId,
        lanes: [...digest.lanes]
          .reverse()
          .map((l) => ({ headAt: l.headAt, headHash: l.headHash, count: l.count, pk: l.pk })),
        previous: { signature: 'c2ln', hash: 'a'.repeat(64) },
        at: digest.at,
        seq: 2,
        format: 1,
      }),
    ) as Digest;
    const text = Buffer.from(canonicalBytes(digest)).toString('utf8');
    expect(Buffer.from(canonicalBytes(shuffled)).toString('utf8')).toBe(text);
    expect(text).toBe(
      `{"format":1,"seq":2,"at":"2026-01-01T00:15:00.000Z","previous":{"hash":"${'a'.repeat(64)}","signature":"c2ln"},` +
        `"lanes":[{"pk":"A#shared#0#a","count":1,"headHash":"${'c'.repeat(64)}","headAt":"2026-01-01T00:05:00.000Z"},` +
        `{"pk":"A#shared#1#b","count":3,"headHash":"${'b'.repeat(64)}","headAt":"2026-01-01T00:10:00.000Z"}],` +
        `"keyId":"arn:aws:kms:us-east-1:000000000000:key/k","algorithm":"ECDSA_SHA_256"}`,
    );
  });

  it('hashes to the SHA-256 of those bytes, and any change of a field changes the hash', () => {
    expect(digestHash(digest)).toBe(createHash('sha256').update(canonicalBytes(digest)).digest('hex'));
    const changed = [
      { ...digest, seq: 3 },
      { ...digest, at: '2026-01-01T00:15:00.001Z' },
      { ...digest, previous: null },
      { ...digest, lanes: [{ ...digest.lanes[0]!, count: 4 }, digest.lanes[1]!] },
      { ...digest, keyId: 'other' },
    ];
    for (const other of changed) expect(digestHash(other)).not.toBe(digestHash(digest));
  });

  it('reads a stored digest back to the same bytes, and refuses malformed ones by name', () => {
    const stored = JSON.parse(JSON.stringify({ digest, signature: 'c2ln' }));
    expect(canonicalBytes(parseSignedDigest(stored, 'f').digest)).toEqual(canonicalBytes(digest));
    const bad = [
      null,
      { digest },
      { digest: { ...digest, format: 2 }, signature: '' },
      { digest: { ...digest, seq: 0 }, signature: '' },
      { digest: { ...digest, previous: { hash: 'x' } }, signature: '' },
      {
        digest: { ...digest, lanes: [{ pk: 'p', count: 0, headHash: 'a'.repeat(64), headAt: digest.at }] },
        signature: '',
      },
    ];
    for (const value of bad) expect(() => parseSignedDigest(value, 'file-7')).toThrow(MalformedDigestError);
    expect(() => parseSignedDigest(null, 'file-7')).toThrow(/file-7/);
  });
});

const event = (at: string, actor = 'alice'): AuditEvent => ({
  action: 'read',
  outcome: 'success',
  secret: { name: 'db' },
  actor,
  traceId: 't',
  sourceIp: '10.0.0.1',
  at,
});

function setup() {
  const clock = testClock('2026-01-01T00:00:00.000Z');
  const lanes = new MemoryLanes();
  const digests = new MemoryDigestStore();
  const signer = new KeyPairDigestSigner('test-key');
  return { clock, lanes, digests, signer, deps: { lanes, digests, signer, clock } };
}

describe('sealTrail', () => {
  it('seals every lane first, then chains each digest to the one before, naming only lanes that moved', async () => {
    const { clock, lanes, deps } = setup();
    lanes.append('A#shared#0#db', event(clock.iso()));
    lanes.append('A#shared#1#db', event(clock.iso()));
    clock.advance(60_000);
    const first = await sealTrail(deps);
    expect(first.digest).toMatchObject({
      seq: 1,
      previous: null,
      keyId: 'test-key',
      algorithm: 'ECDSA_SHA_256',
    });
    expect(first.digest.lanes.map((lane) => [lane.pk, lane.count])).toEqual([
      ['A#shared#0#db', 1],
      ['A#shared#1#db', 1],
    ]);

    clock.advance(15 * 60_000);
    const head = lanes.append('A#shared#1#db', event(clock.iso()));
    clock.advance(60_000);
    const second = await sealTrail(deps);
    expect(second.digest.seq).toBe(2);
    expect(second.digest.previous).toEqual({ hash: digestHash(first.digest), signature: first.signature });
    expect(second.digest.lanes).toEqual([
      { pk: 'A#shared#1#db', count: 2, headHash: head.hash, headAt: head.at },
    ]);

    clock.advance(15 * 60_000);
    const idle = await sealTrail(deps);
    expect(idle.digest).toMatchObject({ seq: 3, lanes: [] });
  });

  it('signs the canonical bytes: the signature verifies with the public key alone', async () => {
    const { clock, lanes, signer, deps } = setup();
    lanes.append('A#shared#0#db', event(clock.iso()));
    const { digest: sealed, signature } = await sealTrail(deps);
    const valid = verify(
      'sha256',
      canonicalBytes(sealed),
      { key: Buffer.from(signer.publicKeySpkiDer), format: 'der', type: 'spki', dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
    expect(valid).toBe(true);
  });

  it('does not seal a head that went back or changed at the same count, and says so', async () => {
    const { clock, lanes, deps } = setup();
    for (let i = 0; i < 3; i++) lanes.append('A#shared#0#db', event(clock.iso()));
    lanes.append('A#shared#2#db', event(clock.iso()));
    await sealTrail(deps);
    clock.advance(60_000);
    lanes.lanes.set('A#shared#0#db', lanes.lanes.get('A#shared#0#db')!.slice(0, 2));
    const [only] = lanes.lanes.get('A#shared#2#db')!;
    lanes.lanes.set('A#shared#2#db', [{ ...only!, actor: 'mallory', hash: 'f'.repeat(64) }]);
    const { digest: next, anomalies } = await sealTrail(deps);
    expect(next.lanes).toEqual([]);
    expect(anomalies).toEqual([
      { pk: 'A#shared#0#db', problem: 'lane ends at entry 2; digest 1 sealed 3 entries' },
      { pk: 'A#shared#2#db', problem: 'entry 1 is not the one digest 1 sealed' },
    ]);
  });

  it('does not seal a lane moved on from a rewritten sealed head, and says so', async () => {
    const { clock, lanes, deps } = setup();
    for (let i = 0; i < 3; i++) lanes.append('A#shared#0#db', event(clock.iso()));
    await sealTrail(deps);
    const records = lanes.lanes.get('A#shared#0#db')!;
    lanes.lanes.set('A#shared#0#db', [...records.slice(0, 2), { ...records[2]!, hash: 'e'.repeat(64) }]);
    lanes.append('A#shared#0#db', event(clock.iso()));
    const { digest: next, anomalies } = await sealTrail(deps);
    expect(next.lanes).toEqual([]);
    expect(anomalies).toEqual([
      { pk: 'A#shared#0#db', problem: 'entry 3 is not the one digest 1 sealed; the lane goes on to entry 4' },
    ]);
  });

  it('refuses to write a digest whose number is taken (two seals raced)', async () => {
    const { deps, digests } = setup();
    const original = digests.latest.bind(digests);
    await sealTrail(deps);
    // The second seal read the store before the first one wrote.
    digests.latest = async () => undefined;
    await expect(sealTrail(deps)).rejects.toBeInstanceOf(DigestExistsError);
    digests.latest = original;
  });
});
