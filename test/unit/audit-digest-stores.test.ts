import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Digest, DigestExistsError, MalformedDigestError } from '../../shared/audit/digest.ts';
import { FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { type DigestBucketClient, S3DigestStore } from '../../shared/store/s3-digest-store.ts';

const digest = (seq: number): Digest => ({
  format: 1,
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 15 * seq)).toISOString(),
  previous: null,
  lanes: [],
  keyId: 'k',
  algorithm: 'ECDSA_SHA_256',
});

describe('FileDigestStore', () => {
  it('writes each digest once, as <seq>.json, and never over another', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'digests-')), 'audit-digests');
    const store = new FileDigestStore(dir);
    expect(await store.latest()).toBeUndefined();
    for (const seq of [1, 2, 3]) await store.put(digest(seq), `sig-${seq}`);
    await expect(store.put({ ...digest(2), lanes: [] }, 'other')).rejects.toBeInstanceOf(DigestExistsError);
    expect(readdirSync(dir).sort()).toEqual(['0000000001.json', '0000000002.json', '0000000003.json']);
    expect(JSON.parse(readFileSync(join(dir, '0000000002.json'), 'utf8'))).toEqual({
      digest: digest(2),
      signature: 'sig-2',
    });
    expect((await store.latest())?.digest.seq).toBe(3);
    expect((await store.list(2)).map((d) => d.digest.seq)).toEqual([2, 3]);
  });

  it('refuses a file that is not a digest, or not the one its name says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digests-'));
    const store = new FileDigestStore(dir);
    await store.put(digest(1), 's');
    await store.put(digest(2), 's');
    renameSync(join(dir, '0000000002.json'), join(dir, '0000000005.json'));
    await expect(store.list()).rejects.toThrow(/0000000005.json: holds digest 2/);
    writeFileSync(join(dir, '0000000005.json'), '{ not json');
    await expect(store.latest()).rejects.toBeInstanceOf(MalformedDigestError);
  });
});

/** A bucket as S3 keeps it: keys in order, conditional puts, one-key listings counted. */
function fakeBucket() {
  const objects = new Map<string, string>();
  const puts: Array<Record<string, unknown>> = [];
  let listings = 0;
  const client: DigestBucketClient = {
    async putObject(input) {
      if (input.IfNoneMatch === '*' && objects.has(input.Key))
        throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
          name: 'PreconditionFailed',
        });
      puts.push(input);
      objects.set(input.Key, input.Body);
    },
    async getObject({ Key }) {
      const body = objects.get(Key);
      if (body === undefined) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => body } };
    },
    async listObjectsV2({ Prefix, StartAfter = '', MaxKeys = 1000, ContinuationToken }) {
      listings++;
      const after = ContinuationToken ?? StartAfter;
      const keys = [...objects.keys()].filter((key) => key.startsWith(Prefix) && key > after).sort();
      const page = keys.slice(0, MaxKeys);
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: keys.length > page.length,
        NextContinuationToken: page.at(-1),
      };
    },
  };
  return { client, objects, puts, listings: () => listings };
}

describe('S3DigestStore', () => {
  it('puts digests write-once under Object Lock until the trail entries they seal expire', async () => {
    const bucket = fakeBucket();
    const store = new S3DigestStore(bucket.client, { bucket: 'digests', retentionDays: 365 });
    await store.put(digest(1), 'sig');
    await expect(store.put(digest(1), 'again')).rejects.toBeInstanceOf(DigestExistsError);
    expect(bucket.puts).toEqual([
      expect.objectContaining({
        Bucket: 'digests',
        Key: 'audit-digests/0000000001.json',
        IfNoneMatch: '*',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.parse(digest(1).at) + 365 * 86_400_000),
      }),
    ]);
  });

  it('finds the latest of many digests in a few one-key listings, and lists from a number on', async () => {
    const bucket = fakeBucket();
    const store = new S3DigestStore(bucket.client, { bucket: 'digests', retentionDays: 1 });
    expect(await store.latest()).toBeUndefined();
    for (let seq = 1; seq <= 2500; seq++)
      bucket.objects.set(
        `audit-digests/${String(seq).padStart(10, '0')}.json`,
        JSON.stringify({ digest: digest(seq), signature: 's' }),
      );
    const before = bucket.listings();
    expect((await store.latest())?.digest.seq).toBe(2500);
    expect(bucket.listings() - before).toBeLessThan(30);
    expect((await store.list(2498)).map((d) => d.digest.seq)).toEqual([2498, 2499, 2500]);
    expect(await store.list()).toHaveLength(2500);
  });
});
