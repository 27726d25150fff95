/**
 * Digests in a folder, one file each (`<10-digit seq>.json`, `{ digest, signature }`): the local
 * runtime's digest storage, and how digests copied out of the bucket are read for verification.
 * A file is written aside and then hard-linked into place, which fails if the name is taken: no
 * digest is ever overwritten, and none is seen half-written.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Digest,
  DigestExistsError,
  type DigestStore,
  MalformedDigestError,
  parseSignedDigest,
  type SignedDigest,
} from '../audit/digest.ts';

const NAME = /^(\d{10})\.json$/;
export const digestFileName = (seq: number) => `${String(seq).padStart(10, '0')}.json`;

export class FileDigestStore implements DigestStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async latest(): Promise<SignedDigest | undefined> {
    const last = this.#seqs().at(-1);
    return last === undefined ? undefined : this.#read(last);
  }

  async put(digest: Digest, signature: string): Promise<void> {
    mkdirSync(this.#dir, { recursive: true });
    const aside = join(this.#dir, `.${randomUUID()}.tmp`);
    writeFileSync(aside, `${JSON.stringify({ digest, signature }, null, 2)}\n`, { flag: 'wx' });
    try {
      linkSync(aside, join(this.#dir, digestFileName(digest.seq)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new DigestExistsError(digest.seq, { cause: error });
      throw error;
    } finally {
      unlinkSync(aside);
    }
  }

  async list(fromSeq = 1): Promise<SignedDigest[]> {
    return this.#seqs()
      .filter((seq) => seq >= fromSeq)
      .map((seq) => this.#read(seq));
  }

  #seqs(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => NAME.exec(name)?.[1])
      .filter((seq) => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  #read(seq: number): SignedDigest {
    const file = join(this.#dir, digestFileName(seq));
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new MalformedDigestError(file, `not JSON (${(error as Error).message})`);
    }
    const signed = parseSignedDigest(value, file);
    // A file renamed to fill a gap would otherwise pass for the digest its name claims.
    if (signed.digest.seq !== seq) throw new MalformedDigestError(file, `holds digest ${signed.digest.seq}`);
    return signed;
  }
}
