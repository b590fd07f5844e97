/**
 * What a running move job uses (move-runner.ts, move-cutover.ts), and how patient it is. One
 * context per node, shared by its jobs.
 */
import { join } from 'node:path';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import type { MaildirStorage } from '../mail/store/maildir/maildir-storage.js';
import type { MessageBaseGenerator } from '../mail/store/maildir/message-file-name.js';
import type { MoveJobRecord, MoveJournal } from './move-journal.js';
import type { PeerLinks } from './peer-links.js';
import type { SourceSide } from './source-side.js';
import { bulkRoundBytes } from './sync/mailbox-copy.js';

/** Retries and thresholds of the move jobs (defaults in `defaultMoveTuning`; tests shorten them). */
export interface MoveTuning {
  /** Waits between attempts of a step whose peer failed (a restart of the source takes seconds). */
  retryDelaysMs: number[];
  /** Catch-up rounds at most before the cutover is tried anyway. */
  maxCatchUpRounds: number;
  /** A round that copied at most this much leaves little for the cutover: go. */
  smallDeltaMessages: number;
  smallDeltaBytes: number;
  /** Cutovers tried (each abandoned one releases the holds and catches up again) before failing. */
  cutoverAttempts: number;
  /** How long the old copy is kept after a move (days). */
  keepDays: number;
  /** A pause after every journaled step (failure drills; 0 in normal use). */
  stepPauseMs: number;
  /** A copy round with this many bytes or more to copy is written unflushed, then flushed once. */
  bulkRoundBytes: number;
}

export const defaultMoveTuning: MoveTuning = {
  retryDelaysMs: [1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000],
  maxCatchUpRounds: 8,
  smallDeltaMessages: 50,
  smallDeltaBytes: 4 * 1024 * 1024,
  cutoverAttempts: 3,
  keepDays: 7,
  stepPauseMs: 0,
  bulkRoundBytes: bulkRoundBytes,
};

/** A node's moves, as its jobs see them. */
export interface MoveContext {
  /** This node's name. */
  node: string;
  directory: FleetDirectory;
  links: PeerLinks;
  mailRoot: string;
  storage: () => MaildirStorage | undefined;
  sourceSide: SourceSide;
  names: MessageBaseGenerator;
  journal: MoveJournal;
  logger: JsonLogger;
  now: () => number;
  tuning: MoveTuning;
  /** Told of every change of a job (the progress stream). */
  changed: (job: MoveJobRecord) => void;
}

/** Where a job builds its copy: `<mail root>/.mailfleet-moves/<job>/Maildir`. */
export function stagingPathOf(mailRoot: string, job: string): string {
  return join(mailRoot, '.mailfleet-moves', job, 'Maildir');
}

/** Where a mailbox found in the user's place at install is put aside. */
export function replacedPathOf(mailRoot: string, job: string): string {
  return join(mailRoot, '.mailfleet-moves', job, 'replaced-Maildir');
}

/** The user's live Maildir on this node. */
export function liveMaildirOf(mailRoot: string, user: string): string {
  return maildirOfUser(mailRoot, user).maildir;
}

/** Thrown when a step must not be tried again (the user is locked by another job...). */
export class MoveRefused extends Error {
  override readonly name = 'MoveRefused';
}
