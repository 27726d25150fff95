/**
 * Verifies the whole audit trail from its signed digests and the table, with the public key alone
 * (no KMS call, no API):
 *   npm run --silent audit:verify -- [--digests <dir>] [--public-key <pem or der file>]
 *       [--state-dir .local] [--table <name>] [--dynamodb-endpoint <url> | --aws]
 *       [--secret <name> [--owner <user id>]] [--retention-days 365] [--interval-minutes 15] [--json]
 * Locally the digests are <state-dir>/audit-digests and the key <state-dir>/audit-digest-key.pem
 * (both written by audit:seal); without --dynamodb-endpoint, DynamoDB Local is started here on the
 * state directory (stop `npm start` first). In AWS: --aws --table <name>, the digests copied out of
 * the bucket (`aws s3 sync s3://<bucket>/audit-digests/ <dir>`) and the key from
 * `aws kms get-public-key` (DER). --secret checks only that secret's lanes.
 * Lanes are read in sequence order page after page, so entries appended meanwhile never make an
 * intact trail look broken: they are reported as not yet sealed.
 * Exit 0: intact; 1: problems (each printed with what and where), or --secret has no entries at
 * all ("no audit entries for <name>": a trail that is not there is not intact); 2: could not check.
 *
 * With --token or --url, or $VAULT_TOKEN with --secret and no digest-mode option, the older mode:
 * --secret's chains through GET /audit, unanchored (verify-audit-api.ts), with the URL and token
 * taken as the `secrets` CLI takes them (--url, $VAULT_URL; --token, $VAULT_TOKEN). --help lists all.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MalformedDigestError } from '../../shared/audit/digest.ts';
import { verifyAudit } from '../../shared/audit/verify.ts';
import { DynamoAuditLanes } from '../../shared/store/dynamo-audit-lanes.ts';
import { FileDigestStore } from '../../shared/store/file-digest-store.ts';
import { AUDIT_LANES, auditPk } from '../../shared/store/keys.ts';
import { digestsDir, openTable, publicKeyFile, TABLE_OPTIONS } from './audit-parts.ts';
import { verifyThroughApi } from './verify-audit-api.ts';

const USAGE = `usage: npm run --silent audit:verify -- [options]

Digest mode (the default): the whole trail, or --secret's, checked against the signed digests with
the public key alone (no KMS call, no API).
  --digests <dir>            the digests (default <state-dir>/audit-digests, written by audit:seal)
  --public-key <file>        PEM or DER (default <state-dir>/audit-digest-key.pem)
  --state-dir <dir>          the local state folder (default .local)
  --table <name>             the table (with --aws, or --dynamodb-endpoint <url>)
  --secret <name>            only this secret's lanes (--owner <user id> for a personal one)
  --retention-days <N>       default $AUDIT_RETENTION_DAYS or 365
  --interval-minutes <N>     default $AUDIT_DIGEST_INTERVAL_MINUTES or 15
  --json                     the report as JSON

API mode: --secret's chains through GET /audit, unanchored (no digests checked). Chosen by --url or
--token, or by $VAULT_TOKEN with --secret and no digest-mode option; like the \`secrets\` CLI, the
URL is --url, else $VAULT_URL, else http://127.0.0.1:8080/vault/api/v1, and the token --token, else
$VAULT_TOKEN (an admin token).

A secret with no audit entries is not intact: "no audit entries for <name>", exit 1.
Exit 0: intact; 1: problems (each printed with what and where), or no entries; 2: could not check.`;

function parse() {
  try {
    return parseArgs({
      options: {
        ...TABLE_OPTIONS,
        'public-key': { type: 'string' },
        secret: { type: 'string' },
        owner: { type: 'string' },
        'retention-days': { type: 'string', default: process.env.AUDIT_RETENTION_DAYS ?? '365' },
        'interval-minutes': { type: 'string', default: process.env.AUDIT_DIGEST_INTERVAL_MINUTES ?? '15' },
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message.split('. ')[0]}: see audit:verify -- --help`);
    process.exit(2);
  }
}

const { values } = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** Options that only the digest mode reads: any of them keeps a $VAULT_TOKEN in the shell from choosing the API. */
const DIGEST_OPTIONS = [...Object.keys(TABLE_OPTIONS), 'public-key', 'json'] as const;
const given = new Set(process.argv.slice(2).map((arg) => /^--([^=]+)/.exec(arg)?.[1]));
const digestMode = DIGEST_OPTIONS.some((option) => given.has(option));

if (
  values.token !== undefined ||
  values.url !== undefined ||
  (process.env.VAULT_TOKEN && values.secret !== undefined && !digestMode)
) {
  const token = values.token ?? process.env.VAULT_TOKEN;
  if (!values.secret || !token) {
    console.error(
      'audit:verify through the API needs --secret <name> and an admin token (--token or $VAULT_TOKEN): see audit:verify -- --help',
    );
    process.exit(2);
  }
  process.exit(
    await verifyThroughApi({
      secret: values.secret,
      owner: values.owner,
      url: (values.url ?? process.env.VAULT_URL ?? 'http://127.0.0.1:8080/vault/api/v1').replace(/\/+$/, ''),
      token,
    }),
  );
}

function publicKey(file: string): string | Uint8Array {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  return text.includes('-----BEGIN') ? text : bytes;
}

function scope(): ((pk: string) => boolean) | undefined {
  if (!values.secret) return undefined;
  const ref = { name: values.secret, ...(values.owner !== undefined && { ownerId: values.owner }) };
  const lanes = new Set(Array.from({ length: AUDIT_LANES }, (_, lane) => auditPk(ref, lane)));
  return (pk) => lanes.has(pk);
}

let table: Awaited<ReturnType<typeof openTable>> | undefined;
try {
  const key = publicKey(values['public-key'] ?? publicKeyFile(values['state-dir']));
  // Digests first: one made after the table was read would name entries the reads did not see.
  const digests = await new FileDigestStore(digestsDir(values)).list();
  table = await openTable(values);
  const report = await verifyAudit({
    digests,
    publicKeySpkiDer: key,
    lanes: new DynamoAuditLanes(table.db, { tableName: table.tableName }),
    now: new Date(),
    retentionDays: Number(values['retention-days']),
    digestIntervalMinutes: Number(values['interval-minutes']),
    scope: scope(),
  });
  // A secret without a trail is not intact: nothing was checked (a wrong name, or entries gone).
  const noTrail = values.secret !== undefined && report.entries === 0 && report.ok;
  if (values.json)
    console.log(JSON.stringify({ ...report, ...(noTrail && { ok: false, no_entries: true }) }, null, 2));
  else if (noTrail) console.log(`no audit entries for ${values.secret}`);
  else {
    const latest = report.latestDigest
      ? `, latest ${report.latestDigest.seq} at ${report.latestDigest.at}`
      : '';
    console.log(`${report.digests} digests${latest}; ${report.lanes} lanes, ${report.entries} entries read`);
    for (const problem of report.problems) console.log(`PROBLEM ${problem.kind}: ${problem.message}`);
    for (const note of report.notes) console.log(`note: ${note.message}`);
    console.log(
      report.ok
        ? `audit trail intact (${report.unsealed} entries not yet sealed, ${report.expired} gone by retention)`
        : `audit trail BROKEN: ${report.problems.length} problems`,
    );
  }
  process.exitCode = report.ok && !noTrail ? 0 : 1;
} catch (error) {
  // A digest file that is not a digest is itself a finding, not a failure to check.
  if (error instanceof MalformedDigestError) {
    console.log(`PROBLEM digest-malformed: ${error.message}\naudit trail BROKEN`);
    process.exitCode = 1;
  } else {
    console.error(`could not check: ${(error as Error).message}`);
    process.exitCode = 2;
  }
} finally {
  await table?.close();
}
