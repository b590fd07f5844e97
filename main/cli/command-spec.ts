/**
 * How each `mailfleet` command declares itself once: its usage lines, what it does, its
 * subcommands and flags. The same declaration prints `--help` and `mailfleet help CMD`, lists the
 * commands in `mailfleet help`, and generates the shell completion (completion-scripts.ts).
 */

/** What a command writes with: standard output and standard error, one line per call. */
export interface CommandIo {
  out: (text: string) => void;
  warn: (text: string) => void;
}

/** One `mailfleet` command. */
export interface CommandSpec {
  name: string;
  /** One line for the list in `mailfleet help`. */
  summary: string;
  /** Usage lines without the leading `mailfleet `, e.g. `user find TEXT [--json]`. */
  usage: string[];
  /** Further words for `--help`: what it does, who may do it, where passwords come from. */
  details?: string[];
  /** First words after the command, for completion (e.g. `find`, `show`). */
  subcommands?: string[];
  /** Flags (without `--`), for completion. */
  flags?: string[];
  /** What the command's other words name, for completion: node names or store node names. */
  completes?: 'node' | 'store';
  /** Subcommands that print their own, longer `--help` (their run is called with it). */
  ownHelp?: string[];
  run(argv: string[], io: CommandIo): Promise<number>;
}

/** Flags every fleet command takes. */
export const fleetFlags = ['fleet', 'json', 'help'];

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = ['usage:', ...spec.usage.map((u) => `  mailfleet ${u}`)];
  if (spec.details && spec.details.length > 0) lines.push('', ...spec.details);
  return lines.join('\n');
}

/** True when argv asks for help: `--help` or `-h` before a `--`. */
export function asksForHelp(argv: string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** A usage error: the command's own usage is printed with it. */
export class UsageError extends Error {}
