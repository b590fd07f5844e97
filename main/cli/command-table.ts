/**
 * Every `mailfleet` command, declared once (command-spec.ts): `mailfleet help`, `--help` on each
 * command and the shell completion are all made from this table. A new command adds one row.
 */

import type { CommandSpec } from './command-spec.js';
import { aliasSpec } from './commands/alias.js';
import { auditCommand } from './commands/audit.js';
import { completionSpec } from './commands/completion.js';
import { consoleCommand } from './commands/console.js';
import { failoverCommand } from './commands/failover.js';
import { labCommand } from './commands/lab.js';
import { makeSpareCommand } from './commands/make-spare.js';
import { drainCommand, moveCommand, movesCommand } from './commands/moves.js';
import { nodeCommand } from './commands/node.js';
import { queueSpec } from './commands/queue.js';
import { replicasCommand } from './commands/replicas.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { switchToSpareCommand } from './commands/switch-to-spare.js';
import { userSpec } from './commands/user.js';
import { whySpec } from './commands/why.js';

const profileLine = '--fleet FILE  fleet profile (default: $MAILFLEET_FLEET, else the default lab)';

/** The commands, in the order `mailfleet help` lists them. */
export const commandTable: CommandSpec[] = [
  {
    name: 'status',
    summary: 'every node, its role, and whether it answers',
    usage: ['status [--json]'],
    details: [profileLine],
    flags: ['fleet', 'json', 'help'],
    run: (argv, io) => statusCommand(argv, io.out, io.warn),
  },
  {
    name: 'node',
    summary: 'what one node runs; restart one of its services; add or remove a node',
    usage: [
      'node NAME services|info [--json]',
      'node NAME restart SERVICE [--json]',
      'node add HOST --name NAME --role store|spare [--prefix DIR] [--json]',
      'node remove NAME [--host HOST] [--json]',
    ],
    details: [
      'The agent decides whether you may restart (system admins).',
      "'node add --help' and 'node remove --help' say more: the agent is installed over your own ssh.",
      profileLine,
    ],
    subcommands: ['add', 'remove'],
    ownHelp: ['add', 'remove'],
    flags: ['fleet', 'json', 'help', 'name', 'role', 'host', 'prefix', 'ssh-config'],
    completes: 'node',
    run: (argv, io) => nodeCommand(argv, io.out, io.warn),
  },
  {
    name: 'audit',
    summary: 'who did what, when, where',
    usage: ['audit [NODE...] [--limit N] [--json]'],
    details: ['Without NODE, the audit logs of every node that answers, merged by time.', profileLine],
    flags: ['fleet', 'json', 'limit', 'help'],
    completes: 'node',
    run: (argv, io) => auditCommand(argv, io.out, io.warn),
  },
  userSpec,
  aliasSpec,
  queueSpec,
  whySpec,
  {
    name: 'move',
    summary: 'move mailboxes to another store',
    usage: ['move USER... --to STORE [--dry-run] [--concurrency N] [--bandwidth MB] [--wait] [--json]'],
    details: ['--dry-run says what would move, how long it takes and how full the target gets.', profileLine],
    flags: ['fleet', 'json', 'to', 'dry-run', 'concurrency', 'bandwidth', 'wait', 'help'],
    run: (argv, io) => moveCommand(argv, io.out),
  },
  {
    name: 'moves',
    summary: 'every move job, its phase and progress; old copies kept',
    usage: [
      'moves [list] [--json] [--active]',
      'moves show|cancel|rollback JOB     (cancel also takes a batch, mb-...)',
      'moves suggest [--json]             moves that even out disk use between the stores',
    ],
    details: [profileLine],
    subcommands: ['list', 'show', 'cancel', 'rollback', 'suggest'],
    flags: ['fleet', 'json', 'active', 'help'],
    run: (argv, io) => movesCommand(argv, io.out, io.warn),
  },
  {
    name: 'drain',
    summary: 'move every user of a store to the other stores',
    usage: [
      'drain STORE [--to STORE,STORE] [--dry-run] [--concurrency N] [--bandwidth MB] [--wait] [--json]',
    ],
    details: [profileLine],
    flags: ['fleet', 'json', 'to', 'dry-run', 'concurrency', 'bandwidth', 'wait', 'help'],
    completes: 'store',
    run: (argv, io) => drainCommand(argv, io.out, io.warn),
  },
  {
    name: 'replicas',
    summary: "each store's replica: protected, catching up or unprotected",
    usage: [
      'replicas [--json]',
      'replicas place STORE (--on NODE | --none)   (system admins)',
      'replicas ring [--dry-run]                  each store on the next store node',
    ],
    details: [profileLine],
    subcommands: ['place', 'ring'],
    flags: ['fleet', 'json', 'on', 'none', 'dry-run', 'help'],
    run: (argv, io) => replicasCommand(argv, io.out),
  },
  {
    name: 'failover',
    summary: 'fail a store over to its replica; new replica on the spare',
    usage: [
      'failover STORE [--to SPARE] [--no-wait] [--json]   (system admins)',
      'failover STORE --abandon-switch-over               a store left switching by a node that is gone',
      'failover status [--json]                           every failover job and its step',
      'failover arm|disarm STORE                          let the replica fail the store over on its own',
    ],
    details: [
      '  --abandon-switch-over   the store says it is being switched over, and the node that was doing',
      '                          it never comes back: write the store failed (refused while that node',
      '                          answers), then fail it over; the directors then release its held mail',
      profileLine,
    ],
    subcommands: ['status', 'arm', 'disarm'],
    flags: ['fleet', 'json', 'to', 'no-wait', 'abandon-switch-over', 'help'],
    completes: 'store',
    run: (argv, io) => failoverCommand(argv, io.out),
  },
  {
    name: 'switch-to-spare',
    summary: 'move a healthy store to a spare for maintenance (about 2 s pause)',
    usage: ['switch-to-spare STORE [--to SPARE] [--no-wait] [--json]   (system admins)'],
    details: [
      'Moves a healthy store to a spare node without losing mail: the spare gets a full copy first',
      '(when it does not hold the replica yet), then mail and logins pause for about 2 s while the',
      'spare takes over. The old node keeps the replica, so the store stays protected.',
      '  --to SPARE   the node that serves the store afterwards (default: a free spare)',
      "  --no-wait    start the job and return; follow it with 'mailfleet failover status'",
      profileLine,
    ],
    flags: ['fleet', 'json', 'to', 'no-wait', 'help'],
    completes: 'store',
    run: (argv, io) => switchToSpareCommand(argv, io.out),
  },
  {
    name: 'make-spare',
    summary: "after repair: wipe a node's old mail and make it the spare",
    usage: ['make-spare NODE [--json]   (system admins)'],
    details: [
      'After a failed store node is repaired: deletes the mail it still keeps of the stores it used',
      'to serve (other nodes serve them now) and makes it the fleet spare. Refused while the node',
      "serves a store or holds a store's replica.",
      profileLine,
    ],
    flags: ['fleet', 'json', 'help'],
    completes: 'node',
    run: (argv, io) => makeSpareCommand(argv, io.out),
  },
  {
    name: 'lab',
    summary: 'a whole fleet on this machine, and mail traffic to watch it work',
    usage: [
      'lab up [--home DIR] [--stores 35] [--spares 1] [--users 40000] [--domains 20] [--greylist-delay 60s]',
      'lab down [--home DIR]',
      'lab kill NODE [--home DIR]     (SIGKILL, to simulate a crash)',
      'lab start NODE [--home DIR]',
      'lab traffic [--home DIR] [--rate 20] [--spam 0.3] [--duration 10m] [--logins N] [--seed N]',
    ],
    details: ['The lab lives in --home (default: the default lab home); traffic stops on its own.'],
    subcommands: ['up', 'down', 'kill', 'start', 'traffic'],
    flags: [
      'home',
      'stores',
      'spares',
      'users',
      'domains',
      'greylist-delay',
      'rate',
      'spam',
      'duration',
      'logins',
      'seed',
      'help',
    ],
    run: (argv, io) => labCommand(argv, io.out),
  },
  {
    name: 'console',
    summary: 'the graphical console (--web: in your browser)',
    usage: [
      'console [--web] [--port N]',
      'console --sign-in [--idle-minutes N]   open on the password sign-in page (no key; docs/delegation.md)',
      'console --seal-secrets',
    ],
    details: [
      'Without an Electron binary the console is served to your browser, at a URL printed here.',
      'A profile without an admin key opens on the sign-in page too; sessions end after 30 idle minutes.',
      "--seal-secrets seals the profile's key and password with the OS keychain.",
      profileLine,
    ],
    flags: ['fleet', 'profile', 'web', 'port', 'seal-secrets', 'sign-in', 'idle-minutes', 'help'],
    run: (argv, io) => consoleCommand(argv, io.out),
  },
  {
    name: 'start',
    summary: 'the lab (if no fleet is configured) and the console',
    usage: ['start [--web] [--fleet FILE]'],
    details: ['What `npm start` runs: with a fleet configured, only the console on it.'],
    flags: ['fleet', 'web', 'help'],
    run: (argv, io) => startCommand(argv, io.out),
  },
  completionSpec,
];
