/**
 * `mailfleet lab up`: creates the lab on first use (or reuses HOME), starts every node, prints one
 * line when all answer over SSH, and runs until SIGINT/SIGTERM, then stops every node.
 */
import { mkdir } from 'node:fs/promises';
import { loadFleetProfile } from '../core/fleet-profile.js';
import { nodeStatuses } from '../core/node-status.js';
import { openFleet } from '../core/open-fleet.js';
import { createLab } from './create-lab.js';
import { publishLabDomainRecords } from './edge/lab-domain-records.js';
import { startLabEdgeDaemons } from './edge/lab-edge-daemons.js';
import { reservePorts } from './free-ports.js';
import { ensureLabCertificates } from './lab-certificates.js';
import { writeLabFiles } from './lab-files.js';
import type { LabLayout } from './lab-layout.js';
import { labNoMailDomain, labOutsideRules, labSimulatedDomains } from './lab-outside-world.js';
import {
  defaultLabSettings,
  type LabSettings,
  type LabSpec,
  type LabState,
  labNodeRoles,
  readLabState,
  writeLabState,
} from './lab-plan.js';
import { repickTakenPorts, savedPorts } from './lab-ports.js';
import { LabSupervisor } from './lab-supervisor.js';
import { runningNodePid } from './node-process.js';
import { readNodeStartFailure } from './node-start-failure.js';
import type { DnsResponder } from './simulated-internet/dns-responder.js';
import { startSimulatedInternet } from './simulated-internet/simulated-internet.js';
import { runningSupervisorPid } from './supervisor-pid.js';

/** How long `lab up` waits for every node to answer before saying which have not. */
const allUpTimeoutMs = 90_000;

/** Runs the lab in the foreground; resolves with the exit code after a signal stopped it. */
export async function runLab(
  layout: LabLayout,
  spec: LabSpec,
  say: (line: string) => void,
  settings: LabSettings = defaultLabSettings,
): Promise<number> {
  const began = Date.now();
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  const running = await runningSupervisorPid(layout.supervisorPid);
  if (running !== undefined) throw new Error(`a lab is already running at ${layout.home} (pid ${running})`);

  let state = await readLabState(layout.state);
  // The scanners and the outside world choose their ports while the lab's are checked: never one of these.
  if (state) reservePorts(savedPorts(state));
  // The outside world and the scanners start while the lab is made or read: rspamd's first start
  // alone takes seconds, and they need nothing from the lab's state.
  const outsideStarting = startOutside(layout.home, say);
  try {
    if (state) {
      say(
        `reusing the lab at ${layout.home}: ${state.spec.stores} stores, ${state.spec.spares} spare, ` +
          `${state.spec.users} users in ${state.spec.domains} domains`,
      );
    } else {
      say(
        `creating a lab at ${layout.home}: ${spec.stores} stores, ${spec.spares} spare, ${spec.users} users`,
      );
      // openssl runs in its own processes: the certificates are made while this one seeds the directory.
      const certificates = ensureLabCertificates(layout, { nodes: labNodeRoles(spec) });
      const created = createLab(layout, spec);
      await Promise.all([certificates, created]);
      state = await created;
    }
    state = await repickTakenPorts(layout, state);
    await writeLabState(layout.state, state);
    await ensureLabCertificates(layout, state);
  } catch (error) {
    await outsideStarting.then((started) => started.stop()).catch(() => {});
    throw error;
  }
  const { internet, edge } = await outsideStarting;
  const outside = { dnsServers: internet.dnsServers, outboundPort: internet.outboundPort };
  await writeLabFiles(layout, state, { ...settings, outside, edge });

  const supervisor = new LabSupervisor(layout, state, say);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= supervisor.stop().finally(() => Promise.all([internet.stop(), edge.stop()]));
    return stopping;
  };
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    await supervisor.start();
    // A node whose port another program took before the agent bound it starts again on new ports.
    const restartOnNewPorts = async (name: string) => {
      state = await repickTakenPorts(layout, state as LabState);
      await writeLabState(layout.state, state);
      await writeLabFiles(layout, state, { ...settings, outside, edge });
      await supervisor.startNode(name);
      return state;
    };
    const waited = await Promise.race([
      waitAllUp(layout, state, {
        began,
        say,
        dns: internet.dns,
        scannersReady: edge.ready,
        restartOnNewPorts,
      }),
      signalled.then(() => undefined),
    ]);
    if (waited === undefined) say('stopping before every node was up');
  } catch (error) {
    await stop();
    throw error;
  }
  const signal = await signalled;
  say(`${signal}: stopping the lab`);
  await stop();
  say('lab stopped');
  return 0;
}

/**
 * The outside world the director sends to and the gateway's scanners; they live as long as this
 * process (on fresh ports each time).
 */
async function startOutside(home: string, say: (line: string) => void) {
  const internet = await startSimulatedInternet({
    domains: labSimulatedDomains(),
    nullMxDomains: [labNoMailDomain],
    rules: labOutsideRules,
    keepMessages: 1000,
  });
  try {
    const edge = await startLabEdgeDaemons(home, internet.dns.server, say);
    return { internet, edge, stop: () => Promise.all([internet.stop(), edge.stop()]).then(() => {}) };
  } catch (error) {
    await internet.stop();
    throw error;
  }
}

/** What {@link waitAllUp} needs besides the layout and the nodes. */
interface WaitAllUpOptions {
  /** When `lab up` started (the line it prints says how long the whole start took). */
  began: number;
  say: (line: string) => void;
  dns: DnsResponder;
  scannersReady: Promise<void>;
  /** Gives a stopped node new ports for those taken, rewrites the lab's files and starts it. */
  restartOnNewPorts: (name: string) => Promise<LabState>;
}

/** How often the nodes' processes are checked while the lab waits for them to answer. */
const processCheckMs = 1000;

/**
 * How often one node is started again because another program took its port: a port is taken by
 * chance, so a second time is rare and a third means something holds ports on purpose.
 */
const maxPortRestarts = 3;

/**
 * Polls over SSH until every node answers; prints the one line that says the lab is up. A node
 * whose agent stops meanwhile is named at once with its own words, or, when another program took
 * one of its ports, started again on new ports.
 */
async function waitAllUp(layout: LabLayout, started: LabState, options: WaitAllUpOptions) {
  const { say } = options;
  let state = started;
  const deadline = Date.now() + allUpTimeoutMs;
  const restarts = new Map<string, number>();
  let nextProcessCheck = Date.now() + processCheckMs;
  let open: Awaited<ReturnType<typeof openFleet>> | undefined;
  try {
    while (Date.now() < deadline) {
      if (Date.now() >= nextProcessCheck) {
        nextProcessCheck = Date.now() + processCheckMs;
        const up = new Set(
          open
            ? nodeStatuses(open.fleet.snapshot())
                .filter((s) => s.state === 'up')
                .map((s) => s.name)
            : [],
        );
        for (const node of state.nodes) {
          if (up.has(node.name) || (await runningNodePid(layout, node.name)) !== undefined) continue;
          const failure = await readNodeStartFailure(layout.nodeLog(node.name));
          const tries = restarts.get(node.name) ?? 0;
          if (!failure.portTaken || tries >= maxPortRestarts) {
            say(
              `${node.name} stopped while starting: ${failure.reason} (its log: ${layout.nodeLog(node.name)})`,
            );
            return false;
          }
          restarts.set(node.name, tries + 1);
          say(`${node.name} could not start: ${failure.reason}; starting it again on new ports`);
          state = await options.restartOnNewPorts(node.name);
          // Its control port may have changed: the fleet is opened again from the rewritten profile.
          await open?.close();
          open = undefined;
        }
      }
      try {
        open ??= await openFleet(await loadFleetProfile(layout.profile), { subscribe: false });
      } catch {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const statuses = nodeStatuses(open.fleet.snapshot());
      const up = statuses.filter((s) => s.state === 'up').length;
      if (statuses.length === state.nodes.length && up === statuses.length) {
        // The gateway scans with them: "up" means they answer too (they started beside the agents).
        await options.scannersReady;
        // Before the line that says the lab is up: whoever waits for it sends mail next, and the
        // gateway checks the lab domains' SPF, DKIM and DMARC in the DNS.
        await publishDomainRecords(open, state, options.dns, say);
        const seconds = ((Date.now() - options.began) / 1000).toFixed(1);
        say(
          `lab up: all ${up} nodes answering after ${seconds} s; fleet profile ${layout.profile}, ` +
            `users in ${layout.usersCsv}`,
        );
        const page = state.nodes.find((node) => node.role === 'director')?.selfServicePort;
        if (page !== undefined)
          say(`self-service page for users: https://127.0.0.1:${page}/ (trust the lab CA, ${layout.caCert})`);
        return true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const statuses = open ? nodeStatuses(open.fleet.snapshot()) : [];
    const down = statuses
      .filter((s) => s.state !== 'up')
      .map((s) => (s.problem ? `${s.name} (${s.problem})` : s.name));
    say(`not every node answered within ${allUpTimeoutMs / 1000} s; still down: ${down.join(', ') || 'all'}`);
    return false;
  } finally {
    await open?.close();
  }
}

/** The lab domains' DKIM, SPF and DMARC records into the simulated DNS (new keys where none). */
async function publishDomainRecords(
  open: Awaited<ReturnType<typeof openFleet>>,
  state: LabState,
  dns: DnsResponder,
  say: (line: string) => void,
): Promise<void> {
  const director = state.nodes.find((node) => node.role === 'director')?.name;
  if (!director) return;
  try {
    const domains = (await open.directory.listDomains()).map((domain) => domain.name);
    const made = await publishLabDomainRecords(open.fleet, director, domains, dns);
    say(
      `DNS: ${domains.length} lab domains publish DKIM, SPF and DMARC (p=reject)` +
        (made ? `; ${made} got new DKIM keys` : ''),
    );
  } catch (error) {
    say(`the lab domains' DNS records could not be published: ${(error as Error).message}`);
  }
}
