/** A console node view for renderer tests that build fleet snapshots by hand. */
import type { ConsoleNodeView } from '../../main/console/console-fleet-snapshot.js';

/** An active node on loopback in state `state` since `since`, with no sample unless given. */
export function consoleNodeView(
  name: string,
  role: ConsoleNodeView['role'],
  state: ConsoleNodeView['state'],
  since = 0,
): ConsoleNodeView {
  return { name, role, directoryState: 'active', address: '127.0.0.1', controlPort: 1, state, since };
}
