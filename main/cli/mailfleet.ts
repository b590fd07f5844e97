/**
 * `mailfleet`: the console's command line. Every command works on the fleet profile named by
 * --fleet FILE, else MAILFLEET_FLEET, else the default lab's profile.
 */
import { auditCommand } from './commands/audit.js';
import { consoleCommand } from './commands/console.js';
import { failoverCommand } from './commands/failover.js';
import { labCommand } from './commands/lab.js';
import { drainCommand, moveCommand, movesCommand } from './commands/moves.js';
import { nodeCommand } from './commands/node.js';
import { replicasCommand } from './commands/replicas.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';

const help = `mailfleet: run a mail system made of many small mail servers

  mailfleet status [--json]                 every node, its role, and whether it answers
  mailfleet node NAME restart SERVICE       restart one service on one node
  mailfleet node NAME services|info         what a node runs
  mailfleet node add HOST --name N --role store|spare   install the agent on HOST over ssh; it joins
  mailfleet node remove NAME [--host HOST]  a node that serves no mail leaves the fleet
  mailfleet audit [NODE] [--limit N]        who did what, when, where
  mailfleet move USER... --to STORE [--dry-run] [--wait]   move mailboxes to another store
  mailfleet moves [--json] [--active]       every move job, its phase and progress; old copies kept
  mailfleet moves show|cancel|rollback JOB  one move (cancel also takes a batch, mb-...)
  mailfleet moves suggest [--json]          moves that even out disk use between the stores
  mailfleet drain STORE [--to S1,S2] [--dry-run]   move every user of STORE to the other stores
  mailfleet replicas [--json]               each store's replica, protected / catching up / unprotected
  mailfleet replicas place STORE --on NODE  place a store's replica (--none: no replica; system admins)
  mailfleet replicas ring [--dry-run]       the default placement: each store on the next store node
  mailfleet failover STORE [--to SPARE]     fail a store over to its replica; new replica on the spare (system admins)
  mailfleet failover status [--json]        every failover job and its step
  mailfleet failover arm|disarm STORE       let the replica's node fail the store over on its own
  mailfleet lab up|down|kill|start ...      a whole fleet on this machine (try 'mailfleet lab')
  mailfleet console [--web] [--port N]      the graphical console (--web: in your browser)
  mailfleet console --seal-secrets          seal the profile's key and password with the OS keychain
  mailfleet console --sign-in [--idle-minutes N]  open on the password sign-in page (no key; docs/delegation.md)
  mailfleet start [--web]                   the lab (if no fleet is configured) and the console

  --fleet FILE   fleet profile (default: $MAILFLEET_FLEET, else the default lab's fleet.json)
  --json         machine-readable output`;

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const warn = (text: string) => process.stderr.write(`${text}\n`);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'status':
        return await statusCommand(rest, out, warn);
      case 'node':
        return await nodeCommand(rest, out, warn);
      case 'audit':
        return await auditCommand(rest, out, warn);
      case 'move':
        return await moveCommand(rest, out);
      case 'moves':
        return await movesCommand(rest, out, warn);
      case 'drain':
        return await drainCommand(rest, out, warn);
      case 'replicas':
        return await replicasCommand(rest, out);
      case 'failover':
        return await failoverCommand(rest, out);
      case 'lab':
        return await labCommand(rest, out);
      case 'console':
        return await consoleCommand(rest, out);
      case 'start':
        return await startCommand(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(help);
        return command === undefined ? 2 : 0;
      default:
        warn(`unknown command ${JSON.stringify(command)}\n\n${help}`);
        return 2;
    }
  } catch (error) {
    warn(`mailfleet ${command}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
// Exit explicitly: a half-closed SSH or LDAP socket must not keep a finished command hanging.
process.exit(exitCode);
