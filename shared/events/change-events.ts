/**
 * Change events from the table's stream: an event exists if and only if a write committed. Pure:
 * a stream record's before and after images in, events out. Event ids derive from the stream
 * record id, so a redelivered record yields the same ids and consumers can drop duplicates.
 * Nothing here ever carries secret data: only names, versions, actors and times.
 */
export const EVENT_SOURCE = 'vault';

export type DetailType =
  | 'Secret Created'
  | 'Secret Updated'
  | 'Secret Deleted'
  | 'Secret Restored'
  | 'Secret Purged'
  | 'Secret Rotation Succeeded'
  | 'Secret Rotation Failed'
  | 'Secret Near Expiry'
  | 'Secret Expired';

export interface VaultEvent {
  detailType: DetailType;
  time: string;
  detail: {
    event_id: string;
    name: string;
    owner_id?: string;
    version?: number;
    actor: string;
    trace_id?: string;
    time: string;
    [extra: string]: unknown;
  };
}

export interface ChangeRecord {
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** When the write happened (the stream's approximate creation time). */
  time: string;
  /** The item before and after, unmarshalled; absent for INSERT and REMOVE respectively. */
  oldImage?: Record<string, unknown> | undefined;
  newImage?: Record<string, unknown> | undefined;
  /** Set when DynamoDB itself deleted the item (TTL). */
  byTtl?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: stream images are untyped items, read field by field with checks.
type Item = Record<string, any>;

export function eventsFromChange(record: ChangeRecord): VaultEvent[] {
  const item: Item | undefined = record.newImage ?? record.oldImage;
  if (!item || typeof item.pk !== 'string' || !item.pk.startsWith('S#')) return [];
  const events: Array<[DetailType, Item, Record<string, unknown>]> = [];
  const before = record.oldImage as Item | undefined;
  const after = record.newImage as Item | undefined;
  if (item.sk === 'head') {
    if (record.eventName === 'INSERT' && after)
      events.push(['Secret Created', after, { actor: after.author }]);
    if (record.eventName === 'REMOVE' && before) {
      events.push([
        'Secret Purged',
        before,
        {
          actor: record.byTtl ? 'ttl' : (before.deletion?.deletedBy ?? before.updatedBy),
          by_ttl: Boolean(record.byTtl),
        },
      ]);
    }
    // A create over a deleted secret of the same name (a new incarnation) is a creation, not a
    // restore and an update of the deleted one.
    const recreated = record.eventName === 'MODIFY' && before && after && before.created !== after.created;
    if (recreated) events.push(['Secret Created', after, { actor: after.author }]);
    if (record.eventName === 'MODIFY' && before && after && !recreated) {
      if (!before.deletion && after.deletion) {
        events.push([
          'Secret Deleted',
          after,
          {
            actor: after.deletion.deletedBy,
            trace_id: after.deletion.traceId,
            purge_at: after.deletion.purgeAt,
          },
        ]);
      }
      if (before.deletion && !after.deletion) events.push(['Secret Restored', after, {}]);
      if (after.version > before.version) {
        const rotated =
          after.rotation?.lastToken !== undefined && after.rotation.lastToken !== before.rotation?.lastToken;
        events.push(
          rotated
            ? ['Secret Rotation Succeeded', after, { previous_version: after.previousVersion }]
            : ['Secret Updated', after, {}],
        );
      }
      if (after.expiryNotice !== before.expiryNotice && after.expiryNotice) {
        const type = after.expiryNotice === 'expired' ? 'Secret Expired' : 'Secret Near Expiry';
        events.push([type, after, { actor: 'vault', expires: after.expires }]);
      }
    }
  }
  if (
    item.sk === 'rotation' &&
    after?.status === 'failed' &&
    (before?.status !== 'failed' || before?.token !== after.token)
  ) {
    const name = String(item.pk).slice(String(item.pk).indexOf('#', 2) + 1);
    const ownerId = ownerOf(String(item.pk));
    events.push([
      'Secret Rotation Failed',
      { name, ...(ownerId !== undefined && { ownerId }), updatedBy: after.actor, lastTraceId: after.traceId },
      { error: after.error, step: after.step, rotation_token: after.token, trigger: after.trigger },
    ]);
  }
  return events.map(([detailType, secret, extra], index) => {
    // The write's own time where the item has it (stream times are coarse), the stream's otherwise.
    const when = whenOf(detailType, secret) ?? record.time;
    return {
      detailType,
      time: when,
      detail: {
        event_id: `${record.eventId}:${index}`,
        name: secret.name,
        ...(secret.ownerId !== undefined && { owner_id: secret.ownerId }),
        ...(typeof secret.version === 'number' && { version: secret.version }),
        actor: secret.updatedBy,
        ...(secret.lastTraceId !== undefined && { trace_id: secret.lastTraceId }),
        time: when,
        ...Object.fromEntries(Object.entries(extra).filter(([, value]) => value !== undefined)),
      } as VaultEvent['detail'],
    };
  });
}

function whenOf(type: DetailType, secret: Item): string | undefined {
  if (type === 'Secret Deleted') return secret.deletion?.deletedAt;
  if (type === 'Secret Created' || type === 'Secret Updated' || type === 'Secret Rotation Succeeded')
    return secret.updated;
  return undefined;
}

/** `S#o:<owner>#<name>` → owner (URI-decoded); shared secrets have none. */
function ownerOf(pk: string): string | undefined {
  const match = /^S#o:([^#]*)#/.exec(pk);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** Where events go: EventBridge in the cloud, a file locally. */
export interface EventSink {
  publish(events: readonly VaultEvent[]): Promise<void>;
}
