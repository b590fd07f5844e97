/**
 * The lab's ports when it starts again: a saved port something else has taken since is replaced by
 * a new free one, never one another node of the lab holds. A running node keeps its own.
 */
import { findFreePorts, isPortFree } from './free-ports.js';
import { mailRoles } from './lab-certificates.js';
import type { LabLayout } from './lab-layout.js';
import {
  type LabMailPorts,
  type LabProxyPorts,
  type LabState,
  labMailPortNames,
  labProxyPortNames,
} from './lab-plan.js';
import { runningNodePid } from './node-process.js';

/** Keeps the saved ports, except those something else has taken since; those get new free ports. */
export async function repickTakenPorts(layout: LabLayout, state: LabState): Promise<LabState> {
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
export function savedPorts(state: LabState): Set<number> {
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
