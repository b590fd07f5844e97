/**
 * Files derived from lab.json on every `lab up`: each node's agent.json and the fleet profile. They
 * are rewritten each time so a port that had to change reaches every node and the console.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { FleetProfile } from '../core/fleet-profile.js';
import { tlsRoles } from './lab-certificates.js';
import type { LabLayout } from './lab-layout.js';
import { defaultLabSettings, type LabNode, type LabSettings, type LabState } from './lab-plan.js';

/** The lab's system administrator (full rights) and a helpdesk admin (limited), both with keys. */
export const labAdmins = [
  { uid: 'labadmin', tier: 'system', displayName: 'Lab administrator / ラボ管理者' },
  { uid: 'labhelpdesk', tier: 'helpdesk', displayName: 'Lab helpdesk / ラボ窓口' },
] as const;

const loopback = '127.0.0.1';

function directoryNode(state: LabState): LabNode {
  const node = state.nodes.find((n) => n.role === 'directory');
  if (!node?.ldapPort) throw new Error('lab.json has no directory node with an LDAP port');
  return node;
}

/** `ldap://127.0.0.1:PORT` of the lab's embedded directory. */
export function labDirectoryUrl(state: LabState): string {
  return `ldap://${loopback}:${directoryNode(state).ldapPort}`;
}

/** The agent config of one node, in the format `mailfleet-agent --config` reads (docs/agent.md). */
export function nodeAgentConfig(
  layout: LabLayout,
  state: LabState,
  node: LabNode,
  settings: LabSettings = defaultLabSettings,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    node: node.name,
    dataDir: layout.nodeData(node.name),
    directory: {
      url: labDirectoryUrl(state),
      baseDn: state.spec.baseDn,
      bindDn: `cn=${node.name},ou=servers,${state.spec.baseDn}`,
      bindPasswordFile: layout.nodeBindPassword(node.name),
    },
    control: { host: loopback, port: node.controlPort },
    metricsHttp: { host: loopback, port: node.metricsPort },
    hostKeyFile: layout.nodeHostKey(node.name),
    log: { level: 'info' },
  };
  if (tlsRoles.has(node.role))
    config.tls = { certFile: layout.nodeCert(node.name), keyFile: layout.nodeKey(node.name) };
  if (node.mail) {
    // Mailboxes live under data/mail (the default) and are created on first delivery or login.
    config.mail = { host: loopback, ...node.mail };
  }
  if (node.role === 'director' && node.smtpPort !== undefined) {
    // Only 127.0.0.1 (the gateway's relay) is trusted; outside senders in the lab use other 127.x
    // addresses, so relaying from them is refused. No AUTH without TLS.
    config.director = {
      host: loopback,
      smtpPort: node.smtpPort,
      trustedNetworks: ['127.0.0.1/32'],
      // Users submit with AUTH after STARTTLS (the lab CA's certificate) and may then send outside.
      ...(node.submissionPort === undefined ? {} : { submissionPort: node.submissionPort }),
      // Users set forwarding, a vacation reply and spam handling on the self-service page (HTTPS, the lab CA).
      ...(node.selfServicePort === undefined ? {} : { selfServicePort: node.selfServicePort }),
      // Outside mail goes to the simulated internet `lab up` runs; without it, nowhere.
      ...(settings.outside
        ? { dnsServers: settings.outside.dnsServers, outboundPort: settings.outside.outboundPort }
        : { outboundDelivery: false }),
      // Submitted mail is DKIM-signed; the director sends from 127.0.0.1, which the lab domains'
      // SPF names, and they publish DMARC p=reject (main/lab/edge/lab-domain-records.ts).
      dkim: { spf: ['ip4:127.0.0.1'], dmarcPolicy: 'reject' },
    };
  }
  if (node.proxy) {
    // The stores are on loopback, so the proxy logs in to them without TLS (tlsToStores: remote).
    config.proxy = { host: loopback, ...node.proxy, storeCaFile: layout.caCert };
  }
  if (node.role === 'gateway' && node.smtpPort !== undefined) {
    const director = state.nodes.find((n) => n.role === 'director');
    if (director?.smtpPort !== undefined) {
      // The scanners `lab up` started (none: the gateway relays unscanned and its status says so);
      // sender checks ask the simulated internet's DNS.
      config.gateway = {
        host: loopback,
        smtpPort: node.smtpPort,
        nextHop: { host: loopback, port: director.smtpPort },
        greylist: { minDelayMs: settings.greylistDelayMs },
        ...(settings.edge?.rspamdUrl ? { rspamdUrl: settings.edge.rspamdUrl } : {}),
        ...(settings.edge?.clamdAddress ? { clamdAddress: settings.edge.clamdAddress } : {}),
        ...(settings.outside ? { senderAuthentication: { dnsServers: settings.outside.dnsServers } } : {}),
      };
    }
  }
  if (node.role === 'directory') {
    config.embeddedDirectory = {
      host: loopback,
      port: node.ldapPort,
      dataDir: layout.directoryData(node.name),
      baseDn: state.spec.baseDn,
      // Every lab node binds from loopback: never throttle or cap it per address, even in the
      // moment after a start before the first node has bound (docs/directory.md).
      exemptAddresses: [loopback],
    };
  }
  return config;
}

/**
 * Service endpoints a node publishes: metrics, LDAP on the directory, the mail services on stores and
 * spares, SMTP and the IMAP/POP3 proxy on the director, SMTP on the gateway.
 */
export function nodeEndpoints(node: LabNode): Record<string, string> {
  const endpoints: Record<string, string> = { 'metrics-http': `${loopback}:${node.metricsPort}` };
  if (node.ldapPort !== undefined) endpoints.ldap = `${loopback}:${node.ldapPort}`;
  if (node.smtpPort !== undefined) endpoints.smtp = `${loopback}:${node.smtpPort}`;
  if (node.submissionPort !== undefined) endpoints.submission = `${loopback}:${node.submissionPort}`;
  if (node.selfServicePort !== undefined) endpoints['self-service'] = `${loopback}:${node.selfServicePort}`;
  if (node.proxy) {
    endpoints.imap = `${loopback}:${node.proxy.imapPort}`;
    endpoints.imaps = `${loopback}:${node.proxy.imapsPort}`;
    endpoints.pop3 = `${loopback}:${node.proxy.pop3Port}`;
    endpoints.pop3s = `${loopback}:${node.proxy.pop3sPort}`;
  }
  if (node.mail) {
    endpoints.lmtp = `${loopback}:${node.mail.lmtpPort}`;
    endpoints.imap = `${loopback}:${node.mail.imapPort}`;
    endpoints.imaps = `${loopback}:${node.mail.imapsPort}`;
    endpoints.pop3 = `${loopback}:${node.mail.pop3Port}`;
    endpoints.pop3s = `${loopback}:${node.mail.pop3sPort}`;
  }
  return endpoints;
}

/**
 * Writes every node's agent.json, HOME/fleet.json (the system admin's profile) and
 * HOME/fleet-labhelpdesk.json (the helpdesk admin's, to see what a lower tier may do).
 */
export async function writeLabFiles(
  layout: LabLayout,
  state: LabState,
  settings: LabSettings = defaultLabSettings,
): Promise<void> {
  for (const node of state.nodes) {
    await mkdir(layout.nodeData(node.name), { recursive: true, mode: 0o700 });
    await writeFile(
      layout.nodeConfig(node.name),
      `${JSON.stringify(nodeAgentConfig(layout, state, node, settings), null, 2)}\n`,
      { mode: 0o600 },
    );
  }
  for (const admin of labAdmins) {
    const profile: Omit<FleetProfile, 'path'> = {
      name: `lab at ${layout.home} as ${admin.uid}`,
      directory: {
        url: labDirectoryUrl(state),
        baseDn: state.spec.baseDn,
        bindDn: `uid=${admin.uid},ou=admins,${state.spec.baseDn}`,
        bindPasswordFile: layout.adminPasswordFile(admin.uid),
      },
      admin: { uid: admin.uid, privateKeyFile: layout.adminKey(admin.uid) },
      nodes: state.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        control: { host: loopback, port: n.controlPort },
        services: nodeEndpoints(n),
      })),
      // Mail clients trust the lab's CA to check the stores' certificates (STARTTLS, IMAPS, POP3S).
      endpoints: { tlsCaFile: layout.caCert },
    };
    await writeFile(layout.adminProfile(admin.uid), `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  }
}
