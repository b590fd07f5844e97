/**
 * `mailfleet`: the console's command line. Every command works on the fleet profile named by
 * --fleet FILE, else MAILFLEET_FLEET, else the default lab's profile. The commands are declared
 * in command-table.ts; `--help` on any of them and `mailfleet help CMD` print its usage.
 */
import { cliWords } from './cli-words.js';
import { asksForHelp, type CommandIo, commandHelp, UsageError } from './command-spec.js';
import { commandTable } from './command-table.js';

function overview(): string {
  const width = Math.max(...commandTable.map((c) => c.name.length));
  return [
    'mailfleet: run a mail system made of many small mail servers',
    '',
    ...commandTable.map((c) => `  mailfleet ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "  'mailfleet help COMMAND' or 'mailfleet COMMAND --help' says how to use one.",
    "  --fleet FILE   fleet profile (default: $MAILFLEET_FLEET, else the default lab's fleet.json)",
    '  --json         machine-readable output',
  ].join('\n');
}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const io: CommandIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    warn: (text) => process.stderr.write(`${text}\n`),
  };
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(overview());
    return command === undefined ? 2 : 0;
  }
  if (command === 'help') {
    if (rest.length === 0) {
      io.out(overview());
      return 0;
    }
    const asked = commandTable.find((c) => c.name === rest[0]);
    if (!asked) {
      io.warn(
        `${cliWords().say('error.unknownCommand', { command: JSON.stringify(rest[0]) })}\n\n${overview()}`,
      );
      return 2;
    }
    io.out(commandHelp(asked));
    return 0;
  }
  const spec = commandTable.find((c) => c.name === command);
  if (!spec) {
    io.warn(
      `${cliWords().say('error.unknownCommand', { command: JSON.stringify(command) })}\n\n${overview()}`,
    );
    return 2;
  }
  if (asksForHelp(rest) && !spec.ownHelp?.includes(rest[0] ?? '')) {
    io.out(commandHelp(spec));
    return 0;
  }
  try {
    return await spec.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A usage error (ours, or one of parseArgs's: an unknown flag, a missing value) shows the usage.
    // (An agent's refusal has a numeric JSON-RPC code: only Node's string codes name parseArgs.)
    const code = (error as { code?: unknown }).code;
    const usage =
      error instanceof UsageError ||
      /^usage:/.test(message) ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    io.warn(`mailfleet ${command}: ${message.replace(/^usage:[\s\S]*/, cliWords().say('error.usage'))}`);
    if (usage) io.warn(`\n${commandHelp(spec)}`);
    return usage ? 2 : 1;
  }
}

// Output piped into a reader that stops early (`| head`) ends the command quietly, not with a trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const exitCode = await main(process.argv.slice(2));
// Exit explicitly: a half-closed SSH or LDAP socket must not keep a finished command hanging.
process.exit(exitCode);
