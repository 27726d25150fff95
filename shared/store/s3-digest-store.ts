/**
 * Digests in an S3 bucket with Object Lock (compliance mode), as CloudTrail keeps its digest
 * files: `<prefix><10-digit seq>.json`, written with `If-None-Match: *` (S3 refuses a second
 * object under the name) and retained until the trail's entries expire, so neither the sealer
 * nor anyone holding the table can delete or replace one.
 */
import {
  type Digest,
  DigestExistsError,
  type DigestStore,
  MalformedDigestError,
  parseSignedDigest,
  type SignedDigest,
} from '../audit/digest.ts';
import { digestFileName } from './file-digest-store.ts';

/**
 * The calls made of S3, shaped as the aggregated `S3` client of `@aws-sdk/client-s3` has them, so
 * `s3Client()` of aws/clients.ts fits as is (unit tests hand in a fake).
 */
export interface DigestBucketClient {
  putObject(input: {
    Bucket: string;
    Key: string;
    Body: string;
    ContentType: string;
    IfNoneMatch: string;
    ChecksumAlgorithm: 'SHA256';
    ObjectLockMode: 'COMPLIANCE';
    ObjectLockRetainUntilDate: Date;
  }): Promise<unknown>;
  getObject(input: {
    Bucket: string;
    Key: string;
  }): Promise<{ Body?: { transformToString(): Promise<string> } | undefined }>;
  listObjectsV2(input: {
    Bucket: string;
    Prefix: string;
    StartAfter?: string;
    MaxKeys?: number;
    ContinuationToken?: string;
  }): Promise<{
    Contents?: Array<{ Key?: string | undefined }> | undefined;
    IsTruncated?: boolean | undefined;
    NextContinuationToken?: string | undefined;
  }>;
}

/** S3's answers to a conditional put that lost: the name was taken, or another put was in flight. */
const TAKEN = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

export class S3DigestStore implements DigestStore {
  readonly #s3: DigestBucketClient;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #retentionMs: number;

  constructor(
    s3: DigestBucketClient,
    options: { bucket: string; prefix?: string | undefined; retentionDays: number },
  ) {
    this.#s3 = s3;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'audit-digests/';
    this.#retentionMs = options.retentionDays * 86_400_000;
  }

  /**
   * Keys list in order but only forwards, and the digests of years run to 100,000s: the last one
   * is found by a search over "is there a digest after n", one one-key listing per step.
   */
  async latest(): Promise<SignedDigest | undefined> {
    let low = await this.#firstAfter(0);
    if (low === undefined) return undefined;
    let high = low * 2;
    for (let next = await this.#firstAfter(high); next !== undefined; next = await this.#firstAfter(high)) {
      low = next;
      high = next * 2;
    }
    // A digest numbered `low` exists and none after `high`.
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const next = await this.#firstAfter(middle);
      if (next === undefined) high = middle;
      else low = next;
    }
    return this.#read(low);
  }

  async put(digest: Digest, signature: string): Promise<void> {
    try {
      await this.#s3.putObject({
        Bucket: this.#bucket,
        Key: this.#key(digest.seq),
        Body: `${JSON.stringify({ digest, signature }, null, 2)}\n`,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        // Object Lock requires an integrity checksum on the put.
        ChecksumAlgorithm: 'SHA256',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.parse(digest.at) + this.#retentionMs),
      });
    } catch (error) {
      if (error instanceof Error && TAKEN.has(error.name))
        throw new DigestExistsError(digest.seq, { cause: error });
      throw error;
    }
  }

  async list(fromSeq = 1): Promise<SignedDigest[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#s3.listObjectsV2({
        Bucket: this.#bucket,
        Prefix: this.#prefix,
        StartAfter: this.#key(fromSeq - 1),
        ...(token !== undefined && { ContinuationToken: token }),
      });
      for (const { Key } of page.Contents ?? []) if (Key && this.#seqOf(Key) !== undefined) keys.push(Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const digests: SignedDigest[] = [];
    for (const key of keys) digests.push(await this.#read(this.#seqOf(key)!));
    return digests;
  }

  #key(seq: number): string {
    return `${this.#prefix}${digestFileName(seq)}`;
  }

  #seqOf(key: string): number | undefined {
    const match = /^(\d{10})\.json$/.exec(key.slice(this.#prefix.length));
    return match ? Number(match[1]) : undefined;
  }

  async #firstAfter(seq: number): Promise<number | undefined> {
    const page = await this.#s3.listObjectsV2({
      Bucket: this.#bucket,
      Prefix: this.#prefix,
      StartAfter: this.#key(seq),
      MaxKeys: 1,
    });
    const key = page.Contents?.[0]?.Key;
    return key === undefined ? undefined : this.#seqOf(key);
  }

  async #read(seq: number): Promise<SignedDigest> {
    const key = this.#key(seq);
    const object = await this.#s3.getObject({ Bucket: this.#bucket, Key: key });
    const where = `s3://${this.#bucket}/${key}`;
    let value: unknown;
    try {
      value = JSON.parse((await object.Body?.transformToString()) ?? '');
    } catch (error) {
      throw new MalformedDigestError(where, `not JSON (${(error as Error).message})`);
    }
    const signed = parseSignedDigest(value, where);
    if (signed.digest.seq !== seq) throw new MalformedDigestError(where, `holds digest ${signed.digest.seq}`);
    return signed;
  }
}
