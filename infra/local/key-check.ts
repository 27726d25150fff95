/**
 * Persisted local data is only readable with the KMS key it was sealed under, and that key lives in
 * another file (kms.json) than the data (the dynamodb folder). Lose or swap kms.json and every read
 * is a 500 DATA_INTEGRITY_ERROR, with nothing saying why. So the first start seals a check value
 * with the key and keeps it with the data; each later start decrypts it before serving anything.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { kmsClient } from '../../shared/aws/clients.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';
import { LocalStartError } from './start-error.ts';

/** Inside the database folder: deleting the data deletes the check with it. */
export const keyCheckFile = (dbDir: string) => join(dbDir, 'vault-key-check.json');

const CHECK_VALUE = 'vault local key check';
const CONTEXT = { purpose: 'vault-local-key-check' };
/** What KMS answers when the ciphertext's key is absent or is another key. */
const WRONG_KEY = new Set(['NotFoundException', 'InvalidCiphertextException', 'IncorrectKeyException']);

interface KeyCheck {
  keyArn: string;
  ciphertext: string;
}

export interface KeyCheckPlaces {
  dbDir: string;
  kmsFile: string;
}

function mismatch({ dbDir, kmsFile }: KeyCheckPlaces, what: string): LocalStartError {
  return new LocalStartError(
    `The data in ${dbDir} was encrypted under ${what}, which ${kmsFile} does not hold (was kms.json deleted or replaced?): every secret would fail to decrypt (500 DATA_INTEGRITY_ERROR). Put back the kms.json that belongs to this data, or start with an empty vault: rm -rf ${dbDir} ${kmsFile}`,
  );
}

/** Refuses a KMS state that cannot decrypt the data's check value; no check yet passes. */
export async function verifyDataKey(kmsUrl: string, places: KeyCheckPlaces): Promise<void> {
  const file = keyCheckFile(places.dbDir);
  if (!existsSync(file)) return;
  const check = JSON.parse(readFileSync(file, 'utf8')) as KeyCheck;
  const kms = kmsClient({ ...LOCAL_AWS, endpoint: kmsUrl });
  try {
    const { Plaintext } = await kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(check.ciphertext, 'base64'),
        EncryptionContext: CONTEXT,
      }),
    );
    if (Buffer.from(Plaintext ?? []).toString() !== CHECK_VALUE)
      throw mismatch(places, `key ${check.keyArn}`);
  } catch (error) {
    if (WRONG_KEY.has((error as Error).name)) throw mismatch(places, `key ${check.keyArn}`);
    throw error;
  } finally {
    kms.destroy();
  }
}

/**
 * Seals the check value on first start. Data from before this check, with a kms.json this start
 * had to create, cannot have been sealed under the new key: refused as a mismatch.
 */
export async function recordDataKey(
  kmsUrl: string,
  keyArn: string,
  places: KeyCheckPlaces & { kmsWasNew: boolean; tableHasItems: () => Promise<boolean> },
): Promise<void> {
  const file = keyCheckFile(places.dbDir);
  if (existsSync(file)) return;
  if (places.kmsWasNew && (await places.tableHasItems())) throw mismatch(places, 'an earlier key');
  const kms = kmsClient({ ...LOCAL_AWS, endpoint: kmsUrl });
  try {
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(CHECK_VALUE), EncryptionContext: CONTEXT }),
    );
    const check: KeyCheck = { keyArn, ciphertext: Buffer.from(CiphertextBlob!).toString('base64') };
    writeFileSync(file, `${JSON.stringify(check)}\n`);
  } finally {
    kms.destroy();
  }
}
