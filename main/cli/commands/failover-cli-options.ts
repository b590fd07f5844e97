/**
 * The arguments of the failover commands (`failover`, `switch-to-spare`, `make-spare`), parsed
 * once: Node's parseArgs in strict mode, so an unknown flag or a missing value is refused in its
 * own words (mailfleet.ts prints the usage beside it). `--help` never gets here: mailfleet.ts
 * answers it from the command table first.
 */
import { parseArgs } from 'node:util';

/** The flags and words of one failover command line. */
export interface FailoverCliOptions {
  /** `--fleet FILE`: the profile to open. */
  fleet: string | undefined;
  /** `--json`: the result as JSON instead of words. */
  json: boolean;
  /** `--to SPARE`: the node that serves the store afterwards (commands that start a job). */
  to: string | undefined;
  /** `--no-wait`: start the job and return (commands that start a job). */
  noWait: boolean;
  /**
   * `--abandon-switch-over` (`failover` only): the store is left `switching` by a switch-over
   * whose node is gone; write it `failed` first (abandon-switch-over.ts).
   */
  abandonSwitchOver: boolean;
  /** The words that are not flags: the store or node, or a subcommand and its store. */
  positionals: string[];
}

/**
 * Parses a failover command's arguments. Only a command that starts a job (`startsJob`) knows
 * `--to` and `--no-wait`; `make-spare` refuses them as unknown flags. Only `failover` (`abandons`)
 * knows `--abandon-switch-over`.
 */
export function failoverCliOptions(argv: string[], startsJob: boolean, abandons = false): FailoverCliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...(startsJob ? { to: { type: 'string' }, 'no-wait': { type: 'boolean', default: false } } : {}),
      ...(abandons ? { 'abandon-switch-over': { type: 'boolean', default: false } } : {}),
    },
    allowPositionals: true,
    strict: true,
  });
  return {
    fleet: values.fleet,
    json: values.json === true,
    to: typeof values.to === 'string' ? values.to : undefined,
    noWait: values['no-wait'] === true,
    abandonSwitchOver: values['abandon-switch-over'] === true,
    positionals,
  };
}

/** The one store or node a command names; anything else is refused with the command's usage. */
export function theOneTarget(options: FailoverCliOptions, usage: string): string {
  const [target] = options.positionals;
  if (!target || options.positionals.length > 1) throw new Error(usage);
  return target;
}
