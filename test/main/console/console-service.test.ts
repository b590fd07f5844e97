/**
 * The console service on a real fleet (embedded directory, store agents, SSH): the snapshot the
 * window gets, a service restart that the audit tail then shows, the agent's refusal of a queue
 * call on a store, the language kept, and every payload checked against the contract before it
 * reaches the fleet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchConsoleCall } from '../../../main/console/console-dispatch.js';
import {
  type ConsoleFleetPush,
  consoleFleetPush,
  consoleFleetSnapshot,
} from '../../../main/console/console-fleet-snapshot.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';

let fleet: ConsoleTestFleet;

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01', 'store02'], systemLocale: 'ja' });
  await fleet.nodesUp(['store01', 'store02']);
});

afterAll(async () => {
  await fleet?.stop();
});

describe('ConsoleService', () => {
  it('gives the window every node with its state, newest sample and its age', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'fleet.snapshot', {});
    expect(reply.ok).toBe(true);
    const snapshot = consoleFleetSnapshot.parse(reply.ok ? reply.result : undefined);
    expect(snapshot.nodes.map((n) => n.name)).toEqual(['store01', 'store02']);
    const store01 = snapshot.nodes[0]!;
    expect(store01).toMatchObject({ role: 'store', state: 'up', directoryState: 'active' });
    expect(store01.sample?.node).toBe('store01');
    expect(store01.ageMs).toBeGreaterThanOrEqual(0);
  });

  it("pushes each node's new samples as partial pushes, in the contract's schema", async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'fleet.snapshot', {});
    const whole = consoleFleetSnapshot.parse(reply.ok ? reply.result : undefined);
    const seqOf = (nodes: ConsoleFleetPush['nodes'], name: string) =>
      nodes.find((n) => n.name === name)?.sample?.seq ?? -1;
    const seen: ConsoleFleetPush[] = [];
    const owner = {};
    fleet.service.events.on('fleet.snapshot', owner, (push) => seen.push(consoleFleetPush.parse(push)));
    // Both agents send a sample a second: each shows up in a push, newer than the whole snapshot.
    await expect
      .poll(
        () =>
          ['store01', 'store02'].every((name) =>
            seen.some((push) => seqOf(push.nodes, name) > seqOf(whole.nodes, name)),
          ),
        { timeout: 5000 },
      )
      .toBe(true);
    fleet.service.events.removeOwner(owner);
    // The fleet's first push (every node) may come after this test started listening; then only
    // partial ones.
    expect(seen.slice(1).every((push) => push.partial === true)).toBe(true);
    // Only what changed travels: no push repeats a node's sample it already carried.
    const carried = seen.flatMap((push) => push.nodes.map((n) => `${n.name}#${n.sample?.seq}`));
    expect(new Set(carried).size).toBe(carried.length);
    expect(seen.at(-1)!.at).toBeGreaterThan(whole.at);
  });

  it('restarts a service on a node and the audit tail shows who did it', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'node.restartService', {
      node: 'store01',
      service: 'metrics-http',
    });
    expect(reply).toMatchObject({
      ok: true,
      result: { service: { name: 'metrics-http', state: 'running' } },
    });
    const audit = await dispatchConsoleCall(fleet.service, 'audit.tail', { nodes: ['store01'], limit: 10 });
    expect(audit.ok).toBe(true);
    const entries = audit.ok
      ? (audit.result as { entries: Array<{ method: string; caller: { id: string } }> }).entries
      : [];
    expect(entries.at(-1)).toMatchObject({ method: 'service.restart', caller: { id: 'admin' } });
  });

  it("passes the agent's refusal on in its category: a store has no queue", async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'queue.summary', { node: 'store02' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'this node runs no mail queue' },
    });
  });

  it('forwards every param of a node call to the agent: auth.unlock keeps which guard to lift', async () => {
    // The directory locks entries by DN, so the agent refuses a user name for it: the refusal shows
    // that `service` reached the agent (a console that dropped it would lift the mail guard instead).
    expect(
      await dispatchConsoleCall(fleet.service, 'auth.unlock', {
        node: 'store01',
        service: 'directory',
        target: { user: 'someone@alpha.example' },
      }),
    ).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'the directory locks entries by DN: give target.dn' },
    });
    expect(
      await dispatchConsoleCall(fleet.service, 'auth.unlock', {
        node: 'store01',
        target: { user: 'someone@alpha.example' },
      }),
    ).toEqual({ ok: true, result: { unlocked: false } });
  });

  it('files each node asked for the fleet queues: stores run none, unknown nodes are refused', async () => {
    // Without names only directors and gateways are asked; this fleet has only stores.
    expect(await dispatchConsoleCall(fleet.service, 'queue.fleet', {})).toEqual({
      ok: true,
      result: { queues: [], withoutQueue: [], failures: [] },
    });
    expect(
      await dispatchConsoleCall(fleet.service, 'queue.fleet', { nodes: ['store02', 'store01'] }),
    ).toEqual({
      ok: true,
      result: { queues: [], withoutQueue: ['store01', 'store02'], failures: [] },
    });
    expect(await dispatchConsoleCall(fleet.service, 'queue.fleet', { nodes: ['store99'] })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'no node named store99 in the directory' },
    });
    // A bulk queue action on a node with no queue gets the agent's answer, dry run or not.
    expect(
      await dispatchConsoleCall(fleet.service, 'queue.delete', {
        node: 'store01',
        filter: { sender: 'x' },
        bounce: false,
        dryRun: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('says so when a node is not in the directory', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'queue.hold', {
      node: 'store99',
      hold: { logicalStore: 'store99' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses payloads that fail the contract before they reach the fleet', async () => {
    const cases: Array<[string, unknown]> = [
      ['node.restartService', { node: 'store01' }],
      ['node.restartService', { node: 'store01', service: 'Metrics HTTP; rm -rf /' }],
      ['node.restartService', { node: '../../etc', service: 'metrics-http' }],
      ['queue.hold', { node: 'store01', hold: { everything: true } }],
      ['queue.list', { node: 'store01', limit: 1_000_000 }],
      ['locale.set', { locale: 'fr' }],
      ['fleet.snapshot', { extra: 1 }],
      ['fleet.snapshot', 'not an object'],
      ['shell.exec', {}],
      ['constructor', {}],
    ];
    for (const [name, params] of cases) {
      const reply = await dispatchConsoleCall(fleet.service, name, params);
      expect(reply, `${name} ${JSON.stringify(params)}`).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    }
    const audit = await dispatchConsoleCall(fleet.service, 'audit.tail', { nodes: ['store01'], limit: 100 });
    const methods = audit.ok
      ? (audit.result as { entries: Array<{ method: string }> }).entries.map((e) => e.method)
      : [];
    // Only the one restart of the test above reached the agent.
    expect(methods.filter((m) => m === 'service.restart')).toHaveLength(1);
  });

  it('starts in the system language and keeps the language chosen', async () => {
    expect(await fleet.service.run('locale.get', {})).toEqual({ locale: 'ja', system: 'ja' });
    expect(await fleet.service.run('locale.set', { locale: 'en' })).toEqual({ locale: 'en', system: 'ja' });
    expect(await fleet.service.run('locale.get', {})).toEqual({ locale: 'en', system: 'ja' });
  });

  it('never sends a secret: the bind password and admin key are nowhere in what the window gets', async () => {
    const snapshot = JSON.stringify(await fleet.service.run('fleet.snapshot', {}));
    expect(snapshot).not.toMatch(/secret|PRIVATE KEY/);
  });
});

describe('ConsoleService as a helpdesk admin', () => {
  let helpdesk: ConsoleTestFleet;

  beforeAll(async () => {
    helpdesk = await startConsoleTestFleet({ stores: ['store01'], tier: 'helpdesk' });
    await helpdesk.nodesUp(['store01']);
  });

  afterAll(async () => {
    await helpdesk?.stop();
  });

  it('is refused a service restart by the agent, whatever the console would allow', async () => {
    const reply = await dispatchConsoleCall(helpdesk.service, 'node.restartService', {
      node: 'store01',
      service: 'metrics-http',
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!reply.ok) expect(reply.error.message).toMatch(/helpdesk/);
  });
});
