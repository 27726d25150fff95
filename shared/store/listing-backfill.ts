/**
 * The one-off backfill of listing directories (infra/tools/rebuild-listings.ts): finds every
 * counted listing of a table (all shared secrets, each owner's personal ones) and rebuilds the
 * directory of each whose counter, groups and buckets do not add up: a table written before the
 * directory had groups (or before it had buckets at all). Until then readers fall back: pages are
 * located by all the listing's buckets, or walked; a manager's search reads the whole listing.
 *
 * It scans the table once (keys only), so it costs a full read of the table: run it once after
 * upgrading, while nothing writes (each rebuild is many transactions; see listing-rebuild.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../domain/ports.ts';
import { call, type Item } from './dynamo-support.ts';
import { COUNTER_KEY_PREFIX, ENTRY_KEY_PREFIX, listingId } from './keys.ts';
import { addsUp, bucketsIn, readTop } from './listing-directory.ts';
import { ListingIndex } from './listing-index.ts';

/** The counted listing a listing key part names (`shared`, `o:<owner>`); role listings are not counted. */
function listingOf(id: string): Listing | undefined {
  if (id === 'shared') return { kind: 'shared' };
  if (id.startsWith('o:')) return { kind: 'owner', ownerId: decodeURIComponent(id.slice(2)) };
  return undefined;
}

/** Every counted listing with entries or a counter in the table. */
export async function countedListings(db: DynamoDBDocumentClient, table: string): Promise<Listing[]> {
  const ids = new Set<string>();
  let start: Item | undefined;
  do {
    const page = await call(() =>
      db.send(
        new ScanCommand({
          TableName: table,
          ProjectionExpression: 'pk',
          FilterExpression: 'begins_with(pk, :entry) OR begins_with(pk, :counter)',
          ExpressionAttributeValues: { ':entry': ENTRY_KEY_PREFIX, ':counter': COUNTER_KEY_PREFIX },
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of page.Items ?? []) ids.add((item.pk as string).slice(2));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return [...ids].sort().flatMap((id) => listingOf(id) ?? []);
}

export interface BackfillOutcome {
  listing: string;
  /** Whether the directory already added up (groups and buckets), so nothing was written. */
  current: boolean;
}

/** Whether a listing's counter, groups and buckets all agree (strongly consistent reads). */
export async function directoryAddsUp(index: ListingIndex, listing: Listing): Promise<boolean> {
  const [top, buckets] = await Promise.all([
    readTop(index, listing, true),
    bucketsIn(index, listing, '', undefined, true),
  ]);
  return addsUp(top.count, top.groups) && addsUp(top.count, buckets);
}

export interface BackfillOptions {
  /** Rebuild every listing, even one whose directory adds up. */
  force?: boolean;
  /** As the functions are configured (LISTING_BUCKET_SPLIT_AT); the default otherwise. */
  splitAt?: number;
  onListing?: (outcome: BackfillOutcome) => void;
}

/** Rebuilds every counted listing whose directory does not add up (all of them with `force`). */
export async function backfillListings(
  db: DynamoDBDocumentClient,
  table: string,
  options: BackfillOptions = {},
): Promise<BackfillOutcome[]> {
  const index = new ListingIndex(db, table, options.splitAt);
  const outcomes: BackfillOutcome[] = [];
  for (const listing of await countedListings(db, table)) {
    const current = !options.force && (await directoryAddsUp(index, listing));
    if (!current) await index.rebuild(listing);
    const outcome = { listing: listingId(listing), current };
    options.onListing?.(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}
