import { appendFile } from 'node:fs/promises';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type EventSink, type VaultEvent } from './change-events.ts';

/** EventBridge takes ten entries per call; entries it refuses fail the batch, so the stream retries it. */
export class EventBridgeSink implements EventSink {
  readonly #client: EventBridgeClient;
  readonly #bus: string;
  constructor(client: EventBridgeClient, busName: string) {
    this.#client = client;
    this.#bus = busName;
  }
  async publish(events: readonly VaultEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const reply = await this.#client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.#bus,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Time: new Date(event.time),
            Detail: JSON.stringify(event.detail),
          })),
        }),
      );
      if (reply.FailedEntryCount)
        throw new Error(`EventBridge refused ${reply.FailedEntryCount} of ${batch.length} events`);
    }
  }
}

/** Locally: one JSON line per event, in EventBridge's envelope, in a file a developer can tail. */
export class FileSink implements EventSink {
  readonly #path: string;
  constructor(path: string) {
    this.#path = path;
  }
  async publish(events: readonly VaultEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lines = events.map((event) =>
      JSON.stringify({
        id: event.detail.event_id,
        source: EVENT_SOURCE,
        'detail-type': event.detailType,
        time: event.time,
        detail: event.detail,
      }),
    );
    await appendFile(this.#path, `${lines.join('\n')}\n`);
  }
}
