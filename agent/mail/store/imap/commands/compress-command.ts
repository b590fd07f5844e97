/** COMPRESS (RFC 4978): DEFLATE in both directions from the moment the OK is sent. */
import { atomText, expectArgs } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';

/** COMPRESS DEFLATE. */
export const compressCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  const mechanism = atomText(command.args[0], 'Compression mechanism').toUpperCase();
  if (mechanism !== 'DEFLATE') throw bad(`Unknown compression mechanism ${mechanism.slice(0, 30)} (DEFLATE)`);
  if (session.compressed) throw no('DEFLATE is already active', 'COMPRESSIONACTIVE');
  return { text: 'DEFLATE active', after: () => session.startCompression() };
};
