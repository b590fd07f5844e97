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
import { findFreePorts, isPortFree } from './free-ports.js';
import { ensureLabCertificates, mailRoles } from './lab-certificates.js';
import { writeLabFiles } from './lab-files.js';
import type { LabLayout } from './lab-layout.js';
import { labNoMailDomain, labOutsideRules, labSimulatedDomains } from './lab-outside-world.js';
import {
  defaultLabSettings,
  type LabMailPorts,
  type LabProxyPorts,
  type LabSettings,
  type LabSpec,
  type LabState,
  labMailPortNames,
  labNodeRoles,
  labProxyPortNames,
  readLabState,
  writeLabState,
} from './lab-plan.js';
import { LabSupervisor } from './lab-supervisor.js';
import { runningNodePid } from './node-process.js';
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
    const waited = await Promise.race([
      waitAllUp(layout, state, began, say, internet.dns, edge.ready),
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

/** Polls over SSH until every node answers; prints the one line that says the lab is up. */
async function waitAllUp(
  layout: LabLayout,
  state: LabState,
  began: number,
  say: (line: string) => void,
  dns: DnsResponder,
  scannersReady: Promise<void>,
) {
  const profile = await loadFleetProfile(layout.profile);
  const deadline = Date.now() + allUpTimeoutMs;
  let open: Awaited<ReturnType<typeof openFleet>> | undefined;
  try {
    while (Date.now() < deadline) {
      try {
        open ??= await openFleet(profile, { subscribe: false });
      } catch {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      const statuses = nodeStatuses(open.fleet.snapshot());
      const up = statuses.filter((s) => s.state === 'up').length;
      if (statuses.length === state.nodes.length && up === statuses.length) {
        // The gateway scans with them: "up" means they answer too (they started beside the agents).
        await scannersReady;
        const seconds = ((Date.now() - began) / 1000).toFixed(1);
        say(
          `lab up: all ${up} nodes answering after ${seconds} s; fleet profile ${layout.profile}, ` +
            `users in ${layout.usersCsv}`,
        );
        const page = state.nodes.find((node) => node.role === 'director')?.selfServicePort;
        if (page !== undefined)
          say(`self-service page for users: https://127.0.0.1:${page}/ (trust the lab CA, ${layout.caCert})`);
        await publishDomainRecords(open, state, dns, say);
        return true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const statuses = open ? nodeStatuses(open.fleet.snapshot()) : [];
    const down = statuses.filter((s) => s.state !== 'up').map((s) => s.name);
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

/** Keeps the saved ports, except those something else has taken since; those get new free ports. */
async function repickTakenPorts(layout: LabLayout, state: LabState): Promise<LabState> {
  const nodes = [];
  const taken = savedPorts(state);
  for (const node of state.nodes) {
    if ((await runningNodePid(layout, node.name)) !== undefined) {
      nodes.push(node); // our own agent holds its ports
      continue;
    }
    const next = { ...node };
    if (!(await isPortFree(next.controlPort))) [next.controlPort] = (await findFreePorts(1)) as [number];
    if (!(await isPortFree(next.metricsPort))) [next.metricsPort] = (await findFreePorts(1)) as [number];
    if (next.ldapPort !== undefined && !(await isPortFree(next.ldapPort))) {
      [next.ldapPort] = (await findFreePorts(1)) as [number];
    }
    if (mailRoles.has(next.role)) next.mail = await mailPorts(next.mail, taken);
    if (next.role === 'director' || next.role === 'gateway')
      next.smtpPort = await keepOrPick(next.smtpPort, taken);
    if (next.role === 'director') {
      next.submissionPort = await keepOrPick(next.submissionPort, taken);
      next.selfServicePort = await keepOrPick(next.selfServicePort, taken);
      next.proxy = await proxyPorts(next.proxy, taken);
    }
    nodes.push(next);
  }
  return { ...state, nodes };
}

/** A mail node's ports: the saved ones that are still free, new free ports for the rest (or all, for an older lab). */
async function mailPorts(saved: LabMailPorts | undefined, taken: Set<number>): Promise<LabMailPorts> {
  const ports = {} as LabMailPorts;
  for (const name of labMailPortNames) {
    const port = saved?.[name];
    if (port !== undefined && (await isPortFree(port))) {
      ports[name] = port;
      continue;
    }
    // Ports saved for other nodes are free while those nodes are down: never hand them out twice.
    let fresh = (await findFreePorts(1))[0] as number;
    while (taken.has(fresh)) fresh = (await findFreePorts(1))[0] as number;
    taken.add(fresh);
    ports[name] = fresh;
  }
  return ports;
}

/** The director's proxy ports: the saved ones still free, new ones for the rest (or all, for an older lab). */
async function proxyPorts(saved: LabProxyPorts | undefined, taken: Set<number>): Promise<LabProxyPorts> {
  const ports = {} as LabProxyPorts;
  for (const name of labProxyPortNames) ports[name] = await keepOrPick(saved?.[name], taken);
  return ports;
}

/** Every port lab.json assigns. */
function savedPorts(state: LabState): Set<number> {
  const ports = new Set<number>();
  for (const node of state.nodes) {
    ports.add(node.controlPort);
    ports.add(node.metricsPort);
    if (node.ldapPort !== undefined) ports.add(node.ldapPort);
    for (const name of labMailPortNames) if (node.mail) ports.add(node.mail[name]);
    if (node.smtpPort !== undefined) ports.add(node.smtpPort);
    if (node.submissionPort !== undefined) ports.add(node.submissionPort);
    if (node.selfServicePort !== undefined) ports.add(node.selfServicePort);
    for (const name of labProxyPortNames) if (node.proxy) ports.add(node.proxy[name]);
  }
  return ports;
}

/** A saved port if it is still free, else a fresh one no other node of the lab holds (labs made before it get one). */
async function keepOrPick(saved: number | undefined, taken: Set<number>): Promise<number> {
  if (saved !== undefined && (await isPortFree(saved))) return saved;
  let fresh = (await findFreePorts(1))[0] as number;
  while (taken.has(fresh)) fresh = (await findFreePorts(1))[0] as number;
  taken.add(fresh);
  return fresh;
}
