/**
 * Stream → events. Not an API operation: the CDK app wires it to the table's stream. A failure
 * throws, so Lambda retries the batch (bisecting it) and finally parks it in the DLQ; redelivered
 * records give the same event ids.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/aws/clients.ts';
import { type EventSink, eventsFromChange } from '../../shared/events/change-events.ts';
import { EventBridgeSink, FileSink } from '../../shared/events/sinks.ts';
import { changeOf } from '../../shared/events/stream-records.ts';
import { logger, withRequestId } from '../../shared/http/logger.ts';

const sink: EventSink = process.env.EVENTS_FILE
  ? new FileSink(process.env.EVENTS_FILE)
  : new EventBridgeSink(eventBridgeClient(), process.env.EVENT_BUS_NAME ?? 'default');

export async function publishChanges(event: DynamoDBStreamEvent, target: EventSink = sink): Promise<number> {
  const events = event.Records.flatMap((record) => {
    const change = changeOf(record);
    return change ? eventsFromChange(change) : [];
  });
  await target.publish(events);
  if (events.length > 0)
    logger.info('events published', {
      count: events.length,
      types: [...new Set(events.map((e) => e.detailType))],
    });
  return events.length;
}

export const handler = withRequestId((event: DynamoDBStreamEvent) => publishChanges(event));
