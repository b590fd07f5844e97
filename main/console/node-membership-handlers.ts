/**
 * The console service's "Add node" calls, on main/core/nodes/add-node.ts (the CLI's). The package
 * is built once per console, on first use, from this installation; the new node is asked through
 * the console's own fleet links, which pin the host key from the entry just written.
 */
import type { z } from 'zod';
import type { DirectoryUrls } from '../../agent/common/directory/directory-urls.js';
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import type { FleetClient } from '../core/fleet-client.js';
import { type AddNodeRequest, addNode } from '../core/nodes/add-node.js';
import { addableRoles } from '../core/nodes/node-names.js';
import { ConsoleCallError } from './console-call-error.js';
import type { AddedNodeView, addNodeParams } from './node-membership-calls.js';

/** What adding nodes from the console needs. */
export interface NodeMembership {
  fleet: Pick<FleetClient, 'call' | 'refreshDirectory'>;
  directory: FleetDirectory;
  adminUid: string;
  directoryUrl: DirectoryUrls;
  baseDn: string;
  /** The agent's .deb (built on first use). */
  packageFile(): Promise<string>;
}

/** The handlers of `fleet.addNodeForm` and `fleet.addNode`. */
export function nodeMembershipHandlers(membership: () => NodeMembership | undefined) {
  const need = (): NodeMembership => {
    const found = membership();
    if (!found) throw new ConsoleCallError('unavailable', 'this console cannot add nodes');
    return found;
  };
  return {
    'fleet.addNodeForm': async () => {
      const found = membership();
      const admin = found ? await found.directory.getAdmin(found.adminUid).catch(() => undefined) : undefined;
      return { mayAddNodes: admin?.tier === 'system', roles: [...addableRoles] };
    },
    'fleet.addNode': async (params: z.output<typeof addNodeParams>): Promise<AddedNodeView> => {
      const nodes = need();
      const request: AddNodeRequest = { ...params, packageFile: await nodes.packageFile() };
      try {
        return await addNode(request, {
          directory: nodes.directory,
          directoryUrl: nodes.directoryUrl,
          baseDn: nodes.baseDn,
          askNode: async ({ name }) => {
            // The console's link to the node pins the key from its new entry: read the list now.
            await nodes.fleet.refreshDirectory();
            const info = await nodes.fleet.call(name, 'node.info', {});
            return info;
          },
        });
      } catch (error) {
        throw new ConsoleCallError('refused', error instanceof Error ? error.message : String(error));
      }
    },
  };
}
