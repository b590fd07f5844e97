/**
 * The console bench's 1,000 agents, in a process of their own: so the console measured (its
 * FleetClient, ConsoleService and WebBridge in the bench process) does not share a thread with the
 * agents it watches. Started by scale-fleet.ts with one JSON argument (`root`, `count`); prints the
 * fleet's access (directory URL, admin bind and key) as one JSON line once every agent has started,
 * then a line with its CPU use whenever it gets SIGUSR2, and stops on SIGTERM.
 */
import { z } from 'zod';
import { accessOf, startInProcessFleet } from '../control/in-process-fleet.js';

const settings = z
  .strictObject({ root: z.string(), count: z.number().int().positive() })
  .parse(JSON.parse(process.argv[2] ?? '{}'));
// The console connects as an admin: the agents need no peers' keys (see InProcessFleetOptions).
const fleet = await startInProcessFleet(settings.root, settings.count, { peerKeys: false });
process.stdout.write(`${JSON.stringify({ access: accessOf(fleet) })}\n`);
// The parent reads how busy the agents' process is over its measuring window.
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000, at: Date.now() })}\n`);
});
process.on('SIGTERM', () => {
  void fleet.stop().finally(() => process.exit(0));
});
