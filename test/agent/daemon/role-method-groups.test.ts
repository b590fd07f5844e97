/**
 * Each role's agent (store, director, gateway; real Agents on the mail path fleet) answers the
 * method groups agent/roles.ts gives it and refuses the others in the group's words, over the
 * real SSH RPC (the peer-only groups through a peer link with store02's host key).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../../agent/common/contract/methods.js';
import { type RoleGroupName, roleGroups } from '../../../agent/control/method-groups.js';
import { hostKeyPath } from '../../../agent/daemon/agent-config.js';
import { PeerLinks } from '../../../agent/moves/peer-links.js';
import { roles } from '../../../agent/roles.js';
import { storeUsers } from '../../support/store-seed.js';
import { type MailPathFleet, startMailPathFleet } from './mail-path-fleet.js';

let fleet: MailPathFleet;

beforeAll(async () => {
  fleet = await startMailPathFleet();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

describe('method groups by role', () => {
  it('each role answers the method groups agent/roles.ts gives it and refuses the others in their words', async () => {
    // The `sync` and `cutover` groups are for peers only: store02's agent (its host key) calls them.
    const peer = new PeerLinks({
      node: 'store02',
      privateKey: () => readFileSync(hostKeyPath(fleet.agents.store02.config), 'utf8'),
      directory: fleet.writer,
    });
    const alice = storeUsers.alice.mail;
    const oneCallOf: Record<RoleGroupName, [MethodName, unknown, 'sys' | 'peer']> = {
      store: ['mailbox.list', {}, 'sys'],
      queue: ['queue.summary', {}, 'sys'],
      route: ['route.invalidate', { target: { domain: 'gamma.example' } }, 'sys'],
      proxy: ['proxy.sessions', {}, 'sys'],
      gateway: ['gateway.status', {}, 'sys'],
      dkim: ['dkim.records', { domain: 'alpha.example' }, 'sys'],
      move: ['move.list', {}, 'sys'],
      sync: ['sync.figures', { user: alice }, 'peer'],
      cutover: ['cutover.release', { job: 'mv-store02-none', user: alice }, 'peer'],
      failover: ['failover.list', {}, 'sys'],
      reroute: ['failover.reroute', { store: 'store01', from: 'store01' }, 'peer'],
      srs: ['srs.secrets', {}, 'peer'],
    };
    const nodes = [
      ['store01', 'store'],
      ['director01', 'director'],
      ['gateway01', 'gateway'],
    ] as const;
    try {
      for (const [node, role] of nodes) {
        const rpc = await fleet.rpc(node, 'sys');
        for (const group of Object.keys(roleGroups) as RoleGroupName[]) {
          const [method, params, by] = oneCallOf[group];
          const answer =
            by === 'sys'
              ? rpc.client.call(method, params as never)
              : peer.call(node, method, params as never);
          if (!roles[role].methodGroups.includes(group))
            await expect(answer, `${node} ${method}`).rejects.toThrow(roleGroups[group].absent);
          // Answered by the group's handler: alice is in no move of store02's, so her lock refuses it.
          else if (group === 'cutover')
            await expect(answer, `${node} ${method}`).rejects.toThrow(
              `${alice} is not being moved by job mv-store02-none`,
            );
          // This director has no `director.dkim`: the group's handler answers, in its words.
          else if (group === 'dkim')
            await expect(answer, `${node} ${method}`).rejects.toThrow('DKIM signing is not configured');
          // Answered by the group's handler: the directory names no failover node for store01.
          else if (group === 'reroute')
            await expect(answer, `${node} ${method}`).rejects.toThrow(
              'the directory does not name store02 as the failover node of store01',
            );
          // Answered by the group's handler: a store's agent is no gateway, so it gets no secrets.
          else if (group === 'srs')
            await expect(answer, `${node} ${method}`).rejects.toThrow(
              'store02 is not a gateway node: only gateways get the SRS secrets',
            );
          else await expect(answer, `${node} ${method}`).resolves.toBeTypeOf('object');
        }
      }
    } finally {
      peer.close();
    }
  });
});
