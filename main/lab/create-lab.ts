/**
 * The first `lab up` on a home: chooses ports, makes every key and password, seeds the embedded
 * directory offline (like slapadd, so 40,000 users take seconds, not an LDAP add each), and writes
 * lab-users.csv. Everything secret is written 0600 under the home and never printed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import {
  adminEntry,
  directoryBaseEntries,
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
  serverEntry,
} from '../../agent/common/directory/seed-entries.js';
import { importDirectoryEntries } from '../../agent/directory/embedded/import-entries.js';
import { findFreePorts } from './free-ports.js';
import { mailRoles } from './lab-certificates.js';
import { labAdmins, nodeEndpoints } from './lab-files.js';
import { generatePassword, generateSshKey, writeSecret, writeSshKey } from './lab-keys.js';
import type { LabLayout } from './lab-layout.js';
import { labDomainDescription, labDomains, labUsers, labUsersCsv } from './lab-people.js';
import {
  type LabNode,
  type LabSpec,
  type LabState,
  labLogicalStores,
  labMailPortNames,
  labNodeRoles,
  labProxyPortNames,
} from './lab-plan.js';

/** Default mailbox quota of a lab domain: 2 GiB. */
const labDefaultQuotaBytes = 2 * 1024 ** 3;

/** Creates a new lab under `layout.home` and returns its state (not yet saved). */
export async function createLab(layout: LabLayout, spec: LabSpec): Promise<LabState> {
  const roles = labNodeRoles(spec);
  const mailNodes = roles.filter(({ role }) => mailRoles.has(role)).length;
  const directors = roles.filter(({ role }) => role === 'director').length;
  const gateways = roles.filter(({ role }) => role === 'gateway').length;
  const ports = await findFreePorts(
    roles.length * 2 +
      1 +
      mailNodes * labMailPortNames.length +
      directors * (3 + labProxyPortNames.length) +
      gateways,
  );
  const take = () => ports.pop() as number;
  const nodes: LabNode[] = roles.map(({ name, role }) => {
    const node: LabNode = { name, role, controlPort: take(), metricsPort: take() };
    if (role === 'directory') node.ldapPort = take();
    if (role === 'director' || role === 'gateway') node.smtpPort = take();
    if (role === 'director') node.submissionPort = take();
    if (role === 'director') node.selfServicePort = take();
    if (role === 'director')
      node.proxy = { imapPort: take(), imapsPort: take(), pop3Port: take(), pop3sPort: take() };
    if (mailRoles.has(role))
      node.mail = {
        lmtpPort: take(),
        imapPort: take(),
        imapsPort: take(),
        pop3Port: take(),
        pop3sPort: take(),
      };
    return node;
  });

  const tree = new FleetTree(spec.baseDn);
  const entries: DirectoryEntry[] = [...directoryBaseEntries(tree, 'mailfleet lab')];

  for (const node of nodes) {
    await mkdir(layout.nodeDir(node.name), { recursive: true, mode: 0o700 });
    const hostKey = generateSshKey(`${node.name} host key`);
    await writeSshKey(layout.nodeHostKey(node.name), hostKey);
    const password = generatePassword();
    await writeSecret(layout.nodeBindPassword(node.name), password);
    entries.push(
      serverEntry(tree, {
        name: node.name,
        role: node.role,
        state: node.role === 'spare' ? 'spare' : 'active',
        address: '127.0.0.1',
        controlPort: node.controlPort,
        hostKeys: [hostKey.publicKey],
        endpoints: nodeEndpoints(node),
        description: `lab ${node.role}`,
        password,
      }),
    );
  }

  const stores = labLogicalStores(spec);
  for (const store of stores) entries.push(logicalStoreEntry(tree, { name: store, servedBy: store }));

  for (const admin of labAdmins) {
    const key = generateSshKey(`${admin.uid}@mailfleet-lab`);
    await writeSshKey(layout.adminKey(admin.uid), key);
    const password = generatePassword();
    await writeSecret(layout.adminPasswordFile(admin.uid), password);
    entries.push(adminEntry(tree, { ...admin, sshPublicKeys: [key.publicKey], password }));
  }

  const domains = labDomains(spec.domains);
  for (const domain of domains) {
    entries.push(
      mailDomainEntry(tree, {
        name: domain,
        description: labDomainDescription(domain),
        defaultQuotaBytes: labDefaultQuotaBytes,
      }),
    );
  }
  const users = labUsers(spec.users, domains, stores);
  for (const user of users) {
    entries.push(
      mailUserEntry(tree, {
        mail: user.address,
        displayName: user.displayName,
        reading: user.reading,
        mailHost: user.mailHost,
        password: user.password,
      }),
    );
  }

  const directory = nodes.find((n) => n.role === 'directory');
  if (!directory) throw new Error('a lab needs a directory node');
  await importDirectoryEntries(layout.directoryData(directory.name), spec.baseDn, entries);
  await writeSecret(layout.usersCsv, labUsersCsv(users));
  await writeFile(`${layout.home}/README.txt`, labReadme(layout));
  return { version: 1, createdAt: new Date().toISOString(), spec, nodes };
}

function labReadme(layout: LabLayout): string {
  return `This is a mailfleet lab. 'mailfleet lab up --home ${layout.home}' starts it again with the same data;
'rm -rf ${layout.home}' removes it for good. fleet.json is the fleet profile for the console and CLI,
lab-users.csv lists every user's address, password and logical store.
`;
}
