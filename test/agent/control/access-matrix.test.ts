/**
 * The tier x method matrix (agent/common/contract/access-matrix.ts), cell by cell, against a real store
 * agent over SSH: every method of the contract, called by every kind of caller (system, helpdesk,
 * a domain admin with params inside its domains and with another department's, a user-tier admin,
 * a peer's host key, and an unknown key; and a helpdesk and a domain admin signed in with a password
 * instead of a key, docs/delegation.md), must be allowed or refused as the table says.
 *
 * "Allowed" means the agent did not answer `forbidden` (a store has no queue, so queue methods
 * answer notFound: authorization came first). For a domain admin outside its domains, "refused"
 * also covers a listing that leaves the other department out. A method added to the contract
 * without a row in the matrix, or without sample params here, fails the type check and this test.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type AccessRow, accessMatrix } from '../../../agent/common/contract/access-matrix.js';
import { type MethodName, type MethodParams, methods } from '../../../agent/common/contract/methods.js';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { newKeyPair } from '../../support/agent-test-directory.js';
import { storeUsers } from '../../support/store-seed.js';
import { type AccessFixture, type CallerName, frank, startAccessFixture } from './access-fixture.js';

const inside = storeUsers.carol.mail;
const outside = storeUsers.dave.mail;

/** Params for each method: `inScope` names alpha.example's users, `outOfScope` beta.example's. */
type SampleParams = { [M in MethodName]: { inScope: MethodParams<M>; outOfScope?: MethodParams<M> } };
const sampleParams = {
  'node.info': { inScope: {} },
  'node.metrics': { inScope: {} },
  'metrics.subscribe': { inScope: {} },
  'metrics.unsubscribe': { inScope: { subscription: 'metrics-none' } },
  'service.list': { inScope: {} },
  // A service the node does not run: an allowed caller gets notFound, nothing restarts.
  'service.restart': { inScope: { service: 'no-such-service' } },
  'audit.tail': { inScope: { limit: 1 } },
  // Everything: a domain admin must see no one of beta.example in it.
  'mailbox.list': { inScope: {}, outOfScope: {} },
  'mailbox.stats': { inScope: { user: inside }, outOfScope: { user: frank.alias } },
  'session.list': { inScope: {}, outOfScope: { user: outside } },
  'session.kick': { inScope: { user: 'nobody@alpha.example' }, outOfScope: { user: 'nobody@beta.example' } },
  'replication.status': { inScope: {} },
  'queue.summary': { inScope: {} },
  // A store runs no queue (notFound); a domain admin naming another department's domain is refused first.
  'queue.list': { inScope: {}, outOfScope: { domain: 'beta.example' } },
  'queue.show': { inScope: { id: 'q1' } },
  'queue.showBody': { inScope: { id: 'q1' } },
  'queue.hold': { inScope: { hold: { user: inside } } },
  'queue.release': { inScope: { hold: { user: inside } } },
  'queue.flush': { inScope: { ids: ['q1'] } },
  'queue.requeue': { inScope: { ids: ['q1'] } },
  'queue.delete': { inScope: { ids: ['q1'], bounce: false } },
  'route.invalidate': { inScope: { target: { user: inside } } },
  'proxy.sessions': { inScope: {}, outOfScope: { user: outside } },
  'proxy.kick': { inScope: { user: inside }, outOfScope: { user: outside } },
  'proxy.hold': { inScope: { user: inside } },
  'proxy.release': { inScope: { user: inside } },
  'gateway.status': { inScope: {} },
  'spam.statistics': { inScope: {} },
  // A store signs nothing (notFound); a domain admin naming another department's domain is refused first.
  'dkim.records': { inScope: { domain: 'alpha.example' }, outOfScope: { domain: 'beta.example' } },
  'dkim.rotate': { inScope: { domain: 'alpha.example' }, outOfScope: { domain: 'beta.example' } },
  'dkim.activate': {
    inScope: { domain: 'alpha.example', force: false },
    outOfScope: { domain: 'beta.example', force: false },
  },
  'mail.trace': { inScope: { address: inside } },
  // The handler keeps a domain admin to its domains' login names (the user is inside `target`).
  'auth.lockouts': { inScope: {}, outOfScope: {} },
  'auth.unlock': {
    inScope: { target: { user: 'nobody@alpha.example' } },
    outOfScope: { target: { user: 'nobody@beta.example' } },
  },
  // carol is on store01 already: an allowed caller is refused in words (same store), nothing moves.
  'move.plan': {
    inScope: { users: [inside], to: 'store01' },
    outOfScope: { users: [frank.alias], to: 'store01' },
  },
  'move.start': {
    inScope: { users: [inside], to: 'store01' },
    outOfScope: { users: [outside], to: 'store01' },
  },
  'move.list': { inScope: {}, outOfScope: {} },
  // The fixture ran one move of each department to store01; their source (store02) is stopped since.
  'move.show': {
    get inScope() {
      return { job: fixture.jobs.inside };
    },
    get outOfScope() {
      return { job: fixture.jobs.outside };
    },
  },
  'move.cancel': {
    get inScope() {
      return { job: fixture.jobs.inside };
    },
    get outOfScope() {
      return { job: fixture.jobs.outside };
    },
  },
  'move.rollback': {
    get inScope() {
      return { job: fixture.jobs.inside };
    },
    get outOfScope() {
      return { job: fixture.jobs.outside };
    },
  },
  'move.purge': { inScope: { user: 'nobody@alpha.example' } },
  'move.subscribe': { inScope: {} },
  'move.unsubscribe': { inScope: { subscription: 'moves-none' } },
  // A peer whose store no lock names is refused by the handler (refused, not forbidden).
  'sync.figures': { inScope: { user: inside } },
  'sync.hold': { inScope: { job: 'mv-none', user: inside } },
  'sync.release': { inScope: { job: 'mv-none', user: inside } },
  'sync.finish': { inScope: { job: 'mv-none', user: inside, keepUntil: 0 } },
  'sync.reverse': { inScope: { job: 'mv-none', requestedBy: 'sys' } },
  'cutover.hold': { inScope: { job: 'mv-none', user: inside } },
  'cutover.release': { inScope: { job: 'mv-none', user: inside } },
  // No node is named the failover node of store01: an allowed caller is refused in words, and
  // nothing is fenced or re-routed.
  'failover.start': { inScope: { store: 'store01' } },
  'failover.list': { inScope: {} },
  'failover.fence': { inScope: { store: 'store01', epoch: 1 } },
  'failover.reroute': { inScope: { store: 'store01', from: 'store01' } },
  'srs.secrets': { inScope: {} },
  'failover.hold': { inScope: { store: 'store01', job: 'fo-none' } },
  'failover.release': { inScope: { store: 'store01', job: 'fo-none' } },
  'failover.takeOver': { inScope: { store: 'store01', job: 'fo-none', phase: 'promote' } },
  'failover.switch': { inScope: { store: 'store01', spare: 'spare01' } },
  // The node serves store01: an allowed caller is refused in words, and nothing is wiped.
  'failover.makeSpare': { inScope: {} },
} satisfies SampleParams;

type Case =
  | 'system'
  | 'helpdesk'
  | 'domain (own domains)'
  | 'domain (other domains)'
  | 'user'
  | 'peer'
  | 'unknown key'
  | 'helpdesk (password)'
  | 'domain (password, own domains)'
  | 'domain (password, other domains)';
const cases: Case[] = [
  'system',
  'helpdesk',
  'domain (own domains)',
  'domain (other domains)',
  'user',
  'peer',
  'unknown key',
  'helpdesk (password)',
  'domain (password, own domains)',
  'domain (password, other domains)',
];
const loginOf: Record<Exclude<Case, 'unknown key'>, CallerName> = {
  system: 'sys',
  helpdesk: 'hd',
  'domain (own domains)': 'alpha-admin',
  'domain (other domains)': 'alpha-admin',
  user: 'viewer',
  peer: 'store02',
  'helpdesk (password)': 'hd-pw',
  'domain (password, own domains)': 'alpha-pw',
  'domain (password, other domains)': 'alpha-pw',
};

/** What the matrix says for one cell. */
function expected(row: AccessRow, which: Case): 'allow' | 'deny' {
  switch (which) {
    case 'domain (own domains)':
    case 'domain (password, own domains)':
      return row.domain === 'deny' ? 'deny' : 'allow';
    case 'domain (other domains)':
    case 'domain (password, other domains)':
      return row.domain === 'allow' ? 'allow' : 'deny';
    case 'helpdesk (password)':
      return row.helpdesk;
    case 'unknown key':
      return row.unknownKey;
    default:
      return row[which];
  }
}

/** Mail users a result shows (listings and stats), to see whether another department leaked. */
function usersIn(result: unknown): string[] {
  const found: string[] = [];
  const record = result as Record<string, unknown>;
  for (const list of [record.mailboxes, record.sessions]) {
    if (Array.isArray(list)) for (const item of list) found.push(String((item as { user?: unknown }).user));
  }
  if (typeof record.user === 'string') found.push(record.user);
  return found;
}

let fixture: AccessFixture;
const stranger = newKeyPair('stranger');
beforeAll(async () => {
  fixture = await startAccessFixture();
});
afterAll(async () => {
  await fixture?.stop();
});

test('every method of the contract has a matrix row and sample params', () => {
  const names = Object.keys(methods).sort();
  expect(Object.keys(accessMatrix).sort()).toEqual(names);
  expect(Object.keys(sampleParams).sort()).toEqual(names);
});

test("the matrix keeps the lines issue 10 drew: peers get node.info and the moves' peer calls only, user tier and unknown keys nothing", () => {
  const allowedTo = (kind: 'system' | 'helpdesk' | 'user' | 'peer' | 'unknownKey') =>
    (Object.keys(accessMatrix) as MethodName[]).filter((method) => accessMatrix[method][kind] === 'allow');
  const peerCalls = [
    'sync.figures',
    'sync.hold',
    'sync.release',
    'sync.finish',
    'sync.reverse',
    'cutover.hold',
    'cutover.release',
    'failover.fence',
    'failover.reroute',
    'failover.hold',
    'failover.release',
    'failover.takeOver',
    'srs.secrets',
  ];
  expect(allowedTo('peer').sort()).toEqual(['node.info', ...peerCalls].sort());
  expect(allowedTo('user')).toEqual([]);
  expect(allowedTo('unknownKey')).toEqual([]);
  // The move's peer calls are the agents' alone: no administrator calls them.
  expect(allowedTo('system').sort()).toEqual(
    Object.keys(methods)
      .filter((method) => !peerCalls.includes(method))
      .sort(),
  );
  for (const method of peerCalls) expect(allowedTo('helpdesk')).not.toContain(method);
  // A domain admin reaches mail users only through methods that keep it to its domains.
  for (const method of [
    'mailbox.list',
    'mailbox.stats',
    'session.list',
    'session.kick',
    'proxy.sessions',
    'proxy.kick',
    'move.plan',
    'move.start',
    'move.list',
    'move.show',
    'move.cancel',
    'move.rollback',
  ] as const)
    expect(accessMatrix[method].domain).toBe('own-domains');
});

test('every method x every caller kind is allowed or refused as the matrix says, over SSH', {
  timeout: 300_000,
}, async () => {
  const connections = new Map<CallerName, RpcConnection>();
  const connectionOf = async (name: CallerName): Promise<RpcConnection> => {
    const open = connections.get(name) ?? (await fixture.connect(name));
    connections.set(name, open);
    return open;
  };
  const wanted: Record<string, Record<Case, string>> = {};
  const seen: Record<string, Record<Case, string>> = {};
  // Positive control for "other domains": the staff see the beta.example users a domain admin must not.
  const staffSaw = new Set<string>();
  try {
    for (const method of Object.keys(methods) as MethodName[]) {
      const row: AccessRow = accessMatrix[method];
      const params: { inScope: unknown; outOfScope?: unknown } = sampleParams[method];
      wanted[method] = {} as Record<Case, string>;
      seen[method] = {} as Record<Case, string>;
      for (const which of cases) {
        wanted[method][which] = expected(row, which);
        if (which === 'unknown key') {
          const refused = await fixture.connect('stranger', stranger.private).then(
            (open) => {
              open.close();
              return false;
            },
            () => true,
          );
          seen[method][which] = refused ? 'deny' : 'allow';
          continue;
        }
        const otherDomains =
          which === 'domain (other domains)' || which === 'domain (password, other domains)';
        const callParams = otherDomains ? (params.outOfScope ?? params.inScope) : params.inScope;
        const connection = await connectionOf(loginOf[which]);
        const outcome = await connection.client.call(method, callParams as never).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome && !(outcome.error instanceof RpcCallError)) throw outcome.error;
        const codeName = 'error' in outcome ? (outcome.error as RpcCallError).codeName : undefined;
        let verdict: 'allow' | 'deny' = codeName === 'forbidden' ? 'deny' : 'allow';
        // A scoped read of something outside the domains answers as if it were not there (a store
        // runs no queue or gateway; a director hides another department's queued message the same
        // way: test/agent/mail/director/queue/queue-department.test.ts).
        if (otherDomains && row.domain === 'own-domains' && codeName === 'notFound') verdict = 'deny';
        if ('result' in outcome) {
          const users = usersIn(outcome.result);
          if (which === 'system' || which === 'helpdesk') for (const user of users) staffSaw.add(user);
          // A domain admin's answer that shows another department's user is a leak, whatever its params.
          if (which.startsWith('domain') && users.some((user) => !user.endsWith('@alpha.example')))
            verdict = 'allow';
          else if (otherDomains && row.domain === 'own-domains') verdict = 'deny';
        }
        seen[method][which] = verdict;
      }
    }
  } finally {
    for (const open of connections.values()) open.close();
  }
  expect(seen).toEqual(wanted);
  // The listings did hold beta.example users, so "refused" above is not just an empty store.
  expect([...staffSaw]).toEqual(expect.arrayContaining([outside, frank.mail]));
});
