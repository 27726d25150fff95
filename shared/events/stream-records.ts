import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ChangeRecord } from './change-events.ts';

/** A DynamoDB stream record (Lambda's shape, or the Streams API's) as a change the mapping reads. */
export function changeOf(record: DynamoDBRecord): ChangeRecord | undefined {
  const stream = record.dynamodb;
  if (!record.eventID || !record.eventName || !stream) return undefined;
  const image = (value: unknown) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
  // Lambda delivers epoch seconds; the Streams API (the local poller) a Date.
  const created: unknown = stream.ApproximateCreationDateTime;
  const seconds = created instanceof Date ? created.getTime() / 1000 : Number(created ?? Date.now() / 1000);
  return {
    eventId: record.eventID,
    eventName: record.eventName,
    time: new Date(seconds * 1000).toISOString(),
    oldImage: image(stream.OldImage),
    newImage: image(stream.NewImage),
    // TTL deletions are made by the DynamoDB service itself.
    byTtl:
      record.userIdentity?.type === 'Service' &&
      record.userIdentity?.principalId === 'dynamodb.amazonaws.com',
  };
}
