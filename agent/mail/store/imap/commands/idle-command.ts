/**
 * IDLE (RFC 2177): changes to the selected folder (deliveries, other sessions) are written as they
 * happen, via the storage's change notifications, until the client sends DONE.
 */
import { expectArgs } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad } from '../imap-errors.js';

/** IDLE until DONE. */
export const idleCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  // Anything pending goes out before the continuation.
  if (session.selected) await session.refreshSelected();
  session.out.line('+ idling');
  session.out.flush();
  await session.setIdle(true);
  let line: Buffer | null;
  try {
    line = await session.readLine();
  } finally {
    await session.setIdle(false);
  }
  if (line === null) return undefined;
  if (line.toString('latin1').toUpperCase() !== 'DONE') throw bad('Expected DONE to end IDLE');
  return { text: 'IDLE terminated' };
};
