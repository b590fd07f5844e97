/**
 * What a lab consists of: its size, its nodes and their ports. Saved as HOME/lab.json so a second
 * `lab up` on the same home reuses everything.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { type NodeRole, nodeRoles } from '../../agent/common/directory/fleet-entries.js';

export const labSpecSchema = z.object({
  stores: z.number().int().min(1).max(999),
  spares: z.number().int().min(0).max(99),
  users: z.number().int().min(0).max(1_000_000),
  domains: z.number().int().min(1).max(20),
  baseDn: z.string().min(1),
});
/** The size of a lab, from `lab up` flags. */
export type LabSpec = z.infer<typeof labSpecSchema>;

/**
 * Settings applied on every `lab up` (unlike the spec, which is fixed when the lab is made): they go
 * into the agents' configuration files each time.
 */
export interface LabSettings {
  /**
   * Where the director finds the simulated internet (DNS for MX lookups, and the one port every
   * outside MX listens on); set by `lab up`, which runs it. Without it the director has no outbound.
   */
  outside?: { dnsServers: string[]; outboundPort: number };
  /**
   * How long the gateway greylists a new sender: 60 s in the lab (sites use 5 minutes), so someone
   * watching `lab traffic` sees greylisted mail come through.
   */
  greylistDelayMs: number;
  /** The scanners `lab up` runs (main/lab/edge/): the gateway scans with those that started. */
  edge?: { rspamdUrl?: string; clamdAddress?: string };
}

/** Settings of a `lab up` without flags. */
export const defaultLabSettings: LabSettings = { greylistDelayMs: 60_000 };

/** The reference site: 35 stores, 1 spare, 40,000 users in 20 domains. */
export const referenceLabSpec: LabSpec = {
  stores: 35,
  spares: 1,
  users: 40_000,
  domains: 20,
  baseDn: 'dc=mailfleet,dc=lab',
};

const port = z.number().int().min(1).max(65535);

/** Ports of a mail node's services (stores and spares). */
const labMailPortsSchema = z.object({
  lmtpPort: port,
  imapPort: port,
  imapsPort: port,
  pop3Port: port,
  pop3sPort: port,
});
export type LabMailPorts = z.infer<typeof labMailPortsSchema>;

/** The mail port names, in the order they are picked. */
export const labMailPortNames = ['lmtpPort', 'imapPort', 'imapsPort', 'pop3Port', 'pop3sPort'] as const;

/** Ports of the director's IMAP/POP3 proxy. */
const labProxyPortsSchema = z.object({
  imapPort: port,
  imapsPort: port,
  pop3Port: port,
  pop3sPort: port,
});
export type LabProxyPorts = z.infer<typeof labProxyPortsSchema>;

/** The proxy port names, in the order they are picked. */
export const labProxyPortNames = ['imapPort', 'imapsPort', 'pop3Port', 'pop3sPort'] as const;

const labNodeSchema = z.object({
  name: z.string(),
  role: z.enum(nodeRoles),
  controlPort: z.number().int(),
  metricsPort: z.number().int(),
  /** LDAP port of the embedded directory (directory node only). */
  ldapPort: z.number().int().optional(),
  /** Mail services (store and spare nodes); labs made before the mail services get them on the next `lab up`. */
  mail: labMailPortsSchema.optional(),
  /** Inbound SMTP of the director or the gateway; labs made before the gateway's get it on the next `lab up`. */
  smtpPort: port.optional(),
  /** The director's submission port (STARTTLS, AUTH); labs made before it get it on the next `lab up`. */
  submissionPort: port.optional(),
  /** The director's self-service HTTPS page (docs/self-service.md); labs made before it get it on the next `lab up`. */
  selfServicePort: port.optional(),
  /** The director's IMAP/POP3 proxy; labs made before it get it on the next `lab up`. */
  proxy: labProxyPortsSchema.optional(),
});
export type LabNode = z.infer<typeof labNodeSchema>;

export const labStateSchema = z.object({
  version: z.literal(1),
  createdAt: z.string(),
  spec: labSpecSchema,
  nodes: z.array(labNodeSchema),
});
/** HOME/lab.json. */
export type LabState = z.infer<typeof labStateSchema>;

/** Node names and roles of a lab, the directory first (every other node needs it to start). */
export function labNodeRoles(spec: LabSpec): { name: string; role: NodeRole }[] {
  const two = (n: number) => String(n).padStart(2, '0');
  const nodes: { name: string; role: NodeRole }[] = [{ name: 'directory01', role: 'directory' }];
  for (let i = 1; i <= spec.stores; i++) nodes.push({ name: `store${two(i)}`, role: 'store' });
  for (let i = 1; i <= spec.spares; i++) nodes.push({ name: `spare${two(i)}`, role: 'spare' });
  nodes.push({ name: 'director01', role: 'director' }, { name: 'gateway01', role: 'gateway' });
  return nodes;
}

/** Logical store names: one per store node, named like it (failover later moves them). */
export function labLogicalStores(spec: LabSpec): string[] {
  return labNodeRoles(spec)
    .filter((n) => n.role === 'store')
    .map((n) => n.name);
}

export async function readLabState(path: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = labStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path} is not a lab state file: ${parsed.error.message}`);
  return parsed.data;
}

export async function writeLabState(path: string, state: LabState): Promise<void> {
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`);
}
