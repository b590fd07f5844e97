/**
 * The move lock of a mailbox, `mailfleetMoveState` on the user's entry: which job moves the user,
 * from which logical store to which, and how far it has come. It is single-valued, so taking it is
 * one LDAP modify that adds a value: the server refuses the add when another job holds the lock,
 * and every later change deletes the exact value it expects before adding the next one, so a job
 * can only change a lock that is still its own (compare-and-set in one operation, on OpenLDAP and
 * on the embedded directory alike).
 *
 * Written as `job=mv-store07-...; source=store01; target=store07; phase=copy`, readable in any LDAP
 * browser, parsed strictly here.
 */
import { Attribute, Change } from 'ldapts';
import { z } from 'zod';
import { logicalStoreName } from '../contract/mail-user.js';
import { moveJobId } from '../contract/move-contract.js';
import { DirectoryError } from './directory-errors.js';

/** How far a move has come, as the directory shows it to every console. */
export const moveLockPhases = ['copy', 'catch-up', 'cutover', 'flipped'] as const;
export type MoveLockPhase = (typeof moveLockPhases)[number];

/** The lock a move job holds on a user. */
export const moveState = z.object({
  job: moveJobId,
  /** Logical store the mailbox leaves. */
  source: logicalStoreName,
  /** Logical store the mailbox goes to. */
  target: logicalStoreName,
  phase: z.enum(moveLockPhases),
});
export type MoveState = z.infer<typeof moveState>;

/** The attribute's value for a lock. */
export function formatMoveState(state: MoveState): string {
  return `job=${state.job}; source=${state.source}; target=${state.target}; phase=${state.phase}`;
}

/** Parses an attribute value; undefined for a value that is not a lock (it is then shown as absent). */
export function parseMoveState(value: string | undefined): MoveState | undefined {
  if (value === undefined) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  const parsed = moveState.safeParse(fields);
  return parsed.success ? parsed.data : undefined;
}

/**
 * One compare-and-set of a user's move lock: `from` must be the lock in place (undefined: no lock
 * may be there), `to` replaces it (undefined: the lock is removed). `mailHost` and `mailboxState`,
 * when given, change in the same modify, so the flip of a mailbox to its new store and the phase
 * that says so can never be seen apart.
 */
export interface MoveStateChange {
  from: MoveState | undefined;
  to: MoveState | undefined;
  mailHost?: string;
  mailboxState?: 'active' | 'moving';
}

/** Whether two locks are the same value (both absent counts as the same). */
export function sameMoveState(a: MoveState | undefined, b: MoveState | undefined): boolean {
  if (!a || !b) return a === b;
  return formatMoveState(a) === formatMoveState(b);
}

/** The LDAP modifications of a {@link MoveStateChange}, in the order the server must apply them. */
export function moveStateChanges(change: MoveStateChange): Change[] {
  const changes: Change[] = [];
  const modify = (operation: 'add' | 'delete' | 'replace', type: string, values: string[]) =>
    changes.push(new Change({ operation, modification: new Attribute({ type, values }) }));
  // Deleting the exact value fails (noSuchAttribute) when another job's lock, or none, is there.
  if (change.from) modify('delete', 'mailfleetMoveState', [formatMoveState(change.from)]);
  // Adding to a single-valued attribute fails when a value is already there (a lock taken).
  if (change.to) modify('add', 'mailfleetMoveState', [formatMoveState(change.to)]);
  if (change.mailHost !== undefined) modify('replace', 'mailHost', [change.mailHost]);
  if (change.mailboxState !== undefined) modify('replace', 'mailfleetMailboxState', [change.mailboxState]);
  return changes;
}

/** LDAP result codes of a compare-and-set that found another lock (or none) in place. */
const conflictCodes: ReadonlySet<number> = new Set([
  16, // noSuchAttribute: the value to delete (the lock we expected) is not there
  19, // constraintViolation: a second value for the single-valued attribute (slapd)
  20, // attributeOrValueExists
]);

/** Whether a directory error means the lock in place was not the one a change expected. */
export function isMoveLockConflict(error: unknown): boolean {
  return error instanceof DirectoryError && error.code !== undefined && conflictCodes.has(error.code);
}

/** A move lock change refused because the lock in place is another (or none). */
export class MoveLockConflict extends DirectoryError {
  constructor(
    readonly user: string,
    /** The lock found in place after the refusal; undefined: none. */
    readonly current: MoveState | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      current
        ? `${user} is already being moved by job ${current.job} (${current.source} to ${current.target}, ${current.phase})`
        : `${user} is not locked for a move any more`,
      undefined,
      options,
    );
    this.name = 'MoveLockConflict';
  }
}
