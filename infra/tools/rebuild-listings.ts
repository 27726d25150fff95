/**
 * The one-off backfill after upgrading a table whose listings were written before their
 * directories had groups (or buckets): rebuilds each counted listing's directory whose counts do
 * not add up (shared/store/listing-backfill.ts). Until it runs, reads stay right, only slower: deep
 * pages are located by all of a listing's buckets, a manager's search reads the whole listing.
 *   node infra/tools/rebuild-listings.ts [--table <name>] [--dynamodb-endpoint <url> | --aws]
 *       [--state-dir .local] [--split-at <n>] [--force]
 * Run it while nothing writes to the table (a maintenance window): it scans the table's keys once,
 * under credentials that may Scan, Query and BatchWriteItem the table (no function's role may).
 * Exit 0: done (each listing printed, rebuilt or already current); 2: could not finish.
 */
import { parseArgs } from 'node:util';
import { backfillListings } from '../../shared/store/listing-backfill.ts';
import { openTable, TABLE_OPTIONS } from './audit-parts.ts';

const { values } = parseArgs({
  options: {
    ...TABLE_OPTIONS,
    'split-at': { type: 'string', default: process.env.LISTING_BUCKET_SPLIT_AT },
    force: { type: 'boolean', default: false },
  },
});

const table = await openTable(values);
try {
  const splitAt = values['split-at'] === undefined ? undefined : Number(values['split-at']);
  if (splitAt !== undefined && !(Number.isInteger(splitAt) && splitAt >= 4))
    throw new Error('--split-at takes an integer of at least 4');
  const outcomes = await backfillListings(table.db, table.tableName, {
    force: values.force,
    ...(splitAt !== undefined && { splitAt }),
    onListing: ({ listing, current }) => console.log(`${listing}: ${current ? 'current' : 'rebuilt'}`),
  });
  console.log(
    `${outcomes.filter((outcome) => !outcome.current).length} of ${outcomes.length} listings rebuilt`,
  );
  process.exitCode = 0;
} catch (error) {
  console.error(`could not rebuild the listings: ${(error as Error).message}`);
  process.exitCode = 2;
} finally {
  await table.close();
}
