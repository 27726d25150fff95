import { describe, expect, it } from 'vitest';
import { type ChangeRecord, eventsFromChange } from '../../shared/events/change-events.ts';

const head = (overrides: Record<string, unknown> = {}) => ({
  pk: 'S#shared#db',
  sk: 'head',
  name: 'db',
  version: 1,
  author: 'ci',
  updatedBy: 'ci',
  updated: '2026-01-01T00:00:01.000Z',
  lastTraceId: 't-1',
  sealed: new Uint8Array([1, 2, 3]),
  ...overrides,
});

const change = (
  eventName: ChangeRecord['eventName'],
  oldImage?: object,
  newImage?: object,
): ChangeRecord => ({
  eventId: 'rec-1',
  eventName,
  time: '2026-01-01T00:00:00.000Z',
  oldImage: oldImage as Record<string, unknown>,
  newImage: newImage as Record<string, unknown>,
});

const types = (record: ChangeRecord) => eventsFromChange(record).map((event) => event.detailType);

describe('change events from the stream', () => {
  it('maps each kind of committed write to its event', () => {
    expect(types(change('INSERT', undefined, head()))).toEqual(['Secret Created']);
    expect(types(change('MODIFY', head(), head({ version: 2 })))).toEqual(['Secret Updated']);
    const deletion = {
      deletedAt: '2026-01-02T00:00:00Z',
      deletedBy: 'ada',
      purgeAt: '2026-01-09T00:00:00Z',
      traceId: 't-del',
    };
    expect(types(change('MODIFY', head(), head({ deletion })))).toEqual(['Secret Deleted']);
    expect(types(change('MODIFY', head({ deletion }), head()))).toEqual(['Secret Restored']);
    expect(types(change('REMOVE', head(), undefined))).toEqual(['Secret Purged']);
    const rotated = head({ version: 2, previousVersion: 1, rotation: { lastToken: 'tok' } });
    expect(types(change('MODIFY', head(), rotated))).toEqual(['Secret Rotation Succeeded']);
    expect(types(change('MODIFY', head(), head({ expiryNotice: 'near' })))).toEqual(['Secret Near Expiry']);
    expect(
      types(change('MODIFY', head({ expiryNotice: 'near' }), head({ expiryNotice: 'expired' }))),
    ).toEqual(['Secret Expired']);
  });

  it('a create over a deleted secret of the same name is "Secret Created", not a restore and an update', () => {
    const deleted = head({
      created: '2026-01-01T00:00:00.000Z',
      version: 2,
      deletion: { deletedAt: '2026-01-02T00:00:00Z', deletedBy: 'ada', purgeAt: '2026-01-09T00:00:00Z' },
    });
    const created = head({ created: '2026-01-03T00:00:00.000Z', version: 3, author: 'tf', updatedBy: 'tf' });
    const events = eventsFromChange(change('MODIFY', deleted, created));
    expect(events.map((event) => event.detailType)).toEqual(['Secret Created']);
    expect(events[0]?.detail).toMatchObject({ actor: 'tf', version: 3 });
  });

  it('a failed rotation is one event, with the step and error, for the owner of a personal secret too', () => {
    const running = {
      pk: 'S#o:alice%40example.com#ssh',
      sk: 'rotation',
      status: 'running',
      token: 'tok',
      actor: 'rotation',
    };
    const failed = {
      ...running,
      status: 'failed',
      step: 'testSecret',
      error: 'testSecret failed (Error)',
      trigger: 'schedule',
    };
    const [event, ...rest] = eventsFromChange(change('MODIFY', running, failed));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      detailType: 'Secret Rotation Failed',
      detail: {
        name: 'ssh',
        owner_id: 'alice@example.com',
        step: 'testSecret',
        error: 'testSecret failed (Error)',
        actor: 'rotation',
      },
    });
    expect(types(change('MODIFY', failed, { ...failed, updatedAt: 'later' }))).toEqual([]);
  });

  it('carries who, which version, the trace id and a stable event id, and never the sealed data', () => {
    const [event] = eventsFromChange(
      change('MODIFY', head(), head({ version: 2, updatedBy: 'walt', lastTraceId: 't-2' })),
    );
    expect(event!.detail).toEqual({
      event_id: 'rec-1:0',
      name: 'db',
      version: 2,
      actor: 'walt',
      trace_id: 't-2',
      time: '2026-01-01T00:00:01.000Z',
    });
    expect(JSON.stringify(eventsFromChange(change('INSERT', undefined, head())))).not.toContain('sealed');
    expect(eventsFromChange(change('INSERT', undefined, head()))[0]!.detail.event_id).toBe('rec-1:0');
  });

  it('ignores everything that is not a secret head or rotation state', () => {
    for (const pk of ['L#shared', 'C#shared', 'A#shared#db', 'IDEM#create', 'DUE#3']) {
      expect(eventsFromChange(change('INSERT', undefined, { pk, sk: 'x' }))).toEqual([]);
    }
    expect(eventsFromChange(change('INSERT', undefined, { pk: 'S#shared#db', sk: 'v#0000000001' }))).toEqual(
      [],
    );
  });
});
