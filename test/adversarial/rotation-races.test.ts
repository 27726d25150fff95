/**
 * A PUT racing a rotation is never lost (issue 13 item 7). Rounds of `POST /rotate` (a password
 * generator) with PUTs of the data fired a few milliseconds apart, through the local stack on
 * DynamoDB Local. After each round every kept version is read back: each acknowledged write is
 * current or below a later version, and the rotation's version is the version before it with only
 * the rotated field changed. Whether a round interleaved (a PUT committed while the rotation ran)
 * is counted and printed; the invariants hold either way.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local.ts';
import { rotationKey } from '../../shared/store/keys.ts';
import { type InProcessVault, startInProcessVault } from '../support/in-process-vault.ts';

const ROUNDS = Number(process.env.ROTATION_RACE_ROUNDS ?? 8);
const NAME = 'races/db';
const PATH = encodeURIComponent(NAME);
const ROTATOR = 'rotator';

let vault: InProcessVault;
let db: DynamoDBDocumentClient;
const tokens = { admin: '', rotator: '', reader: '', writers: [] as string[] };

beforeAll(async () => {
  vault = await startInProcessVault();
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: vault.runtime.dynamoEndpoint }),
  );
  const mint = vault.issuer.mint;
  tokens.admin = await mint({ sub: 'admin', scopes: ['user', 'vaultAdd', 'vaultManage'], roles: [] });
  tokens.rotator = await mint({ sub: ROTATOR, scopes: ['user'], roles: ['app-write'] });
  tokens.reader = await mint({ sub: 'reader', scopes: ['user'], roles: ['app-read'] });
  tokens.writers = await Promise.all(
    [1, 2, 3].map((i) => mint({ sub: `writer-${i}`, scopes: ['user'], roles: ['app-write'] })),
  );
});

afterAll(async () => {
  db?.destroy();
  await vault?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function api(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${vault.runtime.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

interface Version {
  version: number;
  created: string;
  author: string;
  data: { password: string; note: string };
}

/** Every kept version above `after`, with its data as a reader sees it. */
async function versionsAbove(after: number): Promise<Version[]> {
  const listed = await api(tokens.reader, 'GET', `/versions/secrets/${PATH}?offset=0&limit=100`);
  expect(listed.status, listed.text).toBe(200);
  const items = (listed.json.items as Array<Omit<Version, 'data'>>).filter((item) => item.version > after);
  return Promise.all(
    items
      .sort((a, b) => a.version - b.version)
      .map(async (item) => {
        const read = await api(tokens.reader, 'GET', `/secrets/${PATH}?version=${item.version}`);
        expect(read.status, read.text).toBe(200);
        return { ...item, data: read.json.data };
      }),
  );
}

/** When the round's rotation began (its state item stays behind, marked succeeded). */
async function rotationStartedAt(): Promise<string> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: vault.runtime.tableName,
      Key: rotationKey({ name: NAME }),
      ConsistentRead: true,
    }),
  );
  return String(Item?.startedAt);
}

describe('a rotation racing writes of the data', () => {
  it('loses no acknowledged write: each is current or below a later version, and the rotation changes only its field', async () => {
    const created = await api(tokens.admin, 'POST', '/secrets', {
      name: NAME,
      data: { password: 'initial', note: 'initial' },
      read_roles: [{ id: 'app-read' }],
      write_roles: [{ id: 'app-write' }],
    });
    expect(created.status, created.text).toBe(201);
    const configured = await api(tokens.admin, 'PUT', `/rotation/secrets/${PATH}`, {
      rotator: { type: 'password', field: 'password' },
      schedule: 'rate(30 days)',
    });
    expect(configured.status, configured.text).toBe(200);

    let interleaved = 0;
    let writes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const before = await api(tokens.reader, 'GET', `/metadata/secrets/${PATH}`);
      const start: number = before.json.version;
      const writers = 2 + (round % 2);
      // Staggered over 0..15 ms, a different spread each round (deterministic, so a failure replays).
      const delays = Array.from({ length: writers }, (_, i) => (round * 7 + i * 5) % 16);
      const puts = delays.map(async (delay, i) => {
        await sleep(delay);
        const data = { password: `own-${round}-${i}`, note: `note-${round}-${i}` };
        const answer = await api(tokens.writers[i]!, 'PUT', `/secrets/${PATH}`, { data });
        return { ...answer, data };
      });
      const [rotated, ...written] = await Promise.all([
        api(tokens.rotator, 'POST', `/rotate/secrets/${PATH}`),
        ...puts,
      ]);
      expect(rotated.status, rotated.text).toBe(200);
      const acknowledged = written.filter((write) => {
        // Writers colliding too often get a 409 (not acknowledged, so nothing to keep); never a 5xx.
        expect([200, 409], write.text).toContain(write.status);
        return write.status === 200;
      });
      writes += acknowledged.length;

      const versions = await versionsAbove(start - 1);
      const byNumber = new Map(versions.map((version) => [version.version, version]));
      const head = versions.at(-1)!;
      expect(head.version).toBe(start + acknowledged.length + 1);

      for (const write of acknowledged) {
        const version: number = write.json.version;
        // Acknowledged: it is the current version or there is a later one, and it holds what was written.
        expect(version).toBeLessThanOrEqual(head.version);
        expect(byNumber.get(version)?.data, `round ${round}: the write of version ${version}`).toEqual(
          write.data,
        );
      }
      const rotations = versions.filter((version) => version.version > start && version.author === ROTATOR);
      expect(rotations.map((version) => version.version)).toEqual([rotated.json.version]);
      for (const rotation of rotations) {
        const below = byNumber.get(rotation.version - 1)!;
        // The rotation only changed the password: every other field is the version's it went on top of.
        expect(rotation.data.note, `round ${round}: rotation version ${rotation.version}`).toBe(
          below.data.note,
        );
        expect(rotation.data.password).not.toBe(below.data.password);
        expect(rotation.data.password).toHaveLength(32);
      }

      // Interleaved: some acknowledged write was built after the rotation began and committed below it.
      const began = await rotationStartedAt();
      const rotationVersion: number = rotated.json.version;
      if (
        acknowledged.some((write) => {
          const version: number = write.json.version;
          return version < rotationVersion && byNumber.get(version)!.created >= began;
        })
      )
        interleaved++;
    }
    console.log(
      `rotation races: ${interleaved} of ${ROUNDS} rounds had a write commit while the rotation ran (${writes} writes acknowledged, none lost)`,
    );
  }, 120_000);
});
