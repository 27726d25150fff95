/** What verification reports: each problem by kind, with what it concerns and where. */

export const PROBLEM_KINDS = {
  'no-digests': 'no digest to verify against',
  'digest-forged': 'a digest whose signature does not verify with the public key',
  'digest-missing': 'digests missing from the chain',
  'digest-chain-broken': 'a digest that does not follow the one before it',
  'digest-duplicate': 'two digests with one number',
  'schedule-gap': 'digests further apart than the schedule allows',
  'lane-deleted': 'a lane sealed by a digest holds none of its sealed entries',
  'entries-deleted': 'sealed entries missing that retention does not explain',
  'entry-edited': 'an entry that does not match its own hash',
  'chain-broken': 'an entry that does not follow the one before it',
  'lane-rewritten': 'a chain consistent in itself that is not the one a digest sealed',
  'unsealed-stale': 'entries old enough to have been sealed that are in no digest',
} as const;
export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface Problem {
  kind: ProblemKind;
  /** The digest concerned, by number. */
  digest?: number;
  /** The lane concerned, by partition key. */
  lane?: string;
  /** The entries concerned, by sequence number (from..to). */
  from?: number;
  to?: number;
  message: string;
}

/** Findings that are not problems: entries not yet sealed, entries gone by retention. */
export interface Note {
  kind: 'not-yet-sealed' | 'expired';
  lane: string;
  entries: number;
  message: string;
}

export interface AuditReport {
  ok: boolean;
  problems: Problem[];
  notes: Note[];
  digests: number;
  latestDigest: { seq: number; at: string } | undefined;
  lanes: number;
  /** Entries read from the table. */
  entries: number;
  unsealed: number;
  expired: number;
}

export const seqRange = (from: number, to: number) =>
  from === to ? `entry ${from}` : `entries ${from}..${to}`;
