/**
 * Where a traffic run sends to, read from a lab's files: the gateway's SMTP (mail from outside),
 * the director's submission port (mail between users, with AUTH) or its SMTP port, the director's
 * IMAP and POP3 proxy, the lab's CA, and the seeded users with their passwords (lab-users.csv).
 */
import { readFile } from 'node:fs/promises';
import { loadFleetProfile } from '../../core/fleet-profile.js';
import type { LabLayout } from '../lab-layout.js';
import { parseLabUsers } from '../lab-people.js';
import type { HostPort, MailLogin } from './mail-client-logins.js';
import type { SmtpEndpoint } from './smtp-sender.js';

/** Everything a run needs to reach. */
export interface TrafficTargets {
  /** The gateway's inbound SMTP: where mail from outside arrives. */
  gateway: HostPort;
  /** Where users submit mail: the director's submission port with AUTH, else its SMTP port. */
  submission: SmtpEndpoint;
  /** The director's IMAP proxy (STARTTLS). */
  imap?: HostPort;
  /** The director's POP3 proxy over implicit TLS. */
  pop3s?: HostPort;
  /** PEM of the lab's CA. */
  ca: string;
  users: MailLogin[];
  /** The lab's mail domains. */
  domains: string[];
}

/** Reads the targets of the lab at `layout.home`; says in words what is missing. */
export async function labTrafficTargets(layout: LabLayout): Promise<TrafficTargets> {
  const profile = await loadFleetProfile(layout.profile);
  const gatewayNode = profile.nodes.find((n) => n.role === 'gateway');
  const directorNode = profile.nodes.find((n) => n.role === 'director');
  const gatewaySmtp = gatewayNode?.services.smtp;
  if (!gatewaySmtp)
    throw new Error(`the lab at ${layout.home} has no gateway SMTP endpoint: run 'mailfleet lab up' again`);
  if (!directorNode?.services.smtp)
    throw new Error(`the lab at ${layout.home} has no director SMTP endpoint: run 'mailfleet lab up' again`);
  const caFile = profile.endpoints.tlsCaFile;
  if (!caFile) throw new Error(`the fleet profile ${profile.path} names no tlsCaFile`);
  const ca = await readFile(caFile, 'utf8');
  const submission = directorNode.services.submission;
  const users = parseLabUsers(await readFile(layout.usersCsv, 'utf8'));
  if (users.length < 2) throw new Error(`the lab at ${layout.home} has fewer than two users to send between`);
  const imap = directorNode.services.imap;
  const pop3s = directorNode.services.pop3s;
  return {
    gateway: hostPort(gatewaySmtp),
    submission: submission
      ? { ...hostPort(submission), ca, requireTls: true }
      : { ...hostPort(directorNode.services.smtp), ca },
    ...(imap ? { imap: hostPort(imap) } : {}),
    ...(pop3s ? { pop3s: hostPort(pop3s) } : {}),
    ca,
    users,
    domains: [...new Set(users.map((u) => u.address.slice(u.address.indexOf('@') + 1)))],
  };
}

/** `host:port` (an IPv6 host in brackets or not) as a HostPort. */
export function hostPort(text: string): HostPort {
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port))
    throw new Error(`not a host:port endpoint: ${JSON.stringify(text)}`);
  return { host: text.slice(0, at).replace(/^\[|\]$/g, ''), port };
}
