/**
 * Locally, what Lambda's DynamoDB event source does in the cloud: read the table's stream
 * (DynamoDB Local has one) and hand each batch of records to the same publisher handler.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { dynamoClient, dynamoStreamsClient } from '../../shared/aws/clients.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';

/** Iterators DynamoDB Local stops honouring; the shard is read on with a new one. */
const STALE_ITERATOR = new Set(['TrimmedDataAccessException', 'ExpiredIteratorException']);

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every record written so far has been handed over. */
  drain(): Promise<void>;
}

export async function startStreamPoller(options: {
  endpoint: string;
  tableName: string;
  intervalMs: number;
  /** Records already in the stream at start are replayed only for a fresh (in-memory) table. */
  fromStart: boolean;
  onRecords: (records: DynamoDBRecord[]) => Promise<unknown>;
  onError: (error: unknown) => void;
}): Promise<StreamPoller> {
  const ddb = dynamoClient({ ...LOCAL_AWS, endpoint: options.endpoint });
  const streams = dynamoStreamsClient({ ...LOCAL_AWS, endpoint: options.endpoint });
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
  const iterators = new Map<string, string | undefined>();
  /** The last record handed on per shard: where a replaced iterator starts after. */
  const lastSequence = new Map<string, string>();
  const getRecords = (iterator: string) =>
    streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
  const iteratorAfter = async (shardId: string, sequence: string | undefined) =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(sequence
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequence }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
  let firstPass = true;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function poll(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const type = firstPass && !options.fromStart ? 'LATEST' : 'TRIM_HORIZON';
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: type,
        }),
      );
      iterators.set(shard.ShardId, ShardIterator);
    }
    firstPass = false;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      let reply: Awaited<ReturnType<typeof getRecords>>;
      try {
        reply = await getRecords(iterator);
      } catch (error) {
        // An iterator DynamoDB Local no longer honours (seen on a busy machine after a read that
        // timed out) would fail every later poll: take a new one just after the last record
        // handed on, so nothing is skipped and nothing is delivered twice.
        if (!(error instanceof Error) || !STALE_ITERATOR.has(error.name)) throw error;
        iterators.set(shardId, await iteratorAfter(shardId, lastSequence.get(shardId)));
        continue;
      }
      const { Records, NextShardIterator } = reply;
      if (Records?.length) {
        await options.onRecords(Records as unknown as DynamoDBRecord[]);
        const last = Records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) lastSequence.set(shardId, last);
      }
      iterators.set(shardId, NextShardIterator);
    }
  }

  const tick = () => {
    running = poll().catch(options.onError);
    running.finally(() => {
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    });
  };
  let timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      ddb.destroy();
      streams.destroy();
    },
    async drain() {
      await running;
      await poll().catch(options.onError);
    },
  };
}
