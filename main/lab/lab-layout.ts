/**
 * Where a lab keeps its files. One home directory holds everything, so `rm -rf` of it is a full reset
 * and a second `lab up` on the same home reuses its data.
 *
 * ```
 * HOME/fleet.json           fleet profile for the console and CLI (labadmin, tier system)
 * HOME/fleet-labhelpdesk.json  the same as the helpdesk admin
 * HOME/lab.json             what was created: sizes, base DN, node ports
 * HOME/lab-users.csv        address,password,logical store of every seeded user
 * HOME/admin/               lab admin keys and directory password (0600)
 * HOME/tls/                 the lab's CA: ca.pem (trust this in mail clients), ca.key (0600)
 * HOME/nodes/NAME/          agent.json, bind-password, host key, data/, agent.log, agent.pid
 * HOME/nodes/NAME/tls/      cert.pem, key.pem of a mail node (store, spare)
 * HOME/supervisor.pid       the running `lab up`
 * HOME/lab.sock             its control socket (`lab start NODE`)
 * ```
 */
import { join } from 'node:path';

/** Paths inside one lab home. */
export class LabLayout {
  constructor(readonly home: string) {}

  get profile(): string {
    return join(this.home, 'fleet.json');
  }
  /** The fleet profile of one lab admin: fleet.json for the system admin, fleet-UID.json for others. */
  adminProfile(uid: string): string {
    return uid === 'labadmin' ? this.profile : join(this.home, `fleet-${uid}.json`);
  }
  get state(): string {
    return join(this.home, 'lab.json');
  }
  get usersCsv(): string {
    return join(this.home, 'lab-users.csv');
  }
  get adminDir(): string {
    return join(this.home, 'admin');
  }
  get supervisorPid(): string {
    return join(this.home, 'supervisor.pid');
  }
  get controlSocket(): string {
    return join(this.home, 'lab.sock');
  }
  adminKey(uid: string): string {
    return join(this.adminDir, `${uid}_ed25519`);
  }
  adminPasswordFile(uid: string): string {
    return join(this.adminDir, `${uid}.directory-password`);
  }
  get tlsDir(): string {
    return join(this.home, 'tls');
  }
  /** The lab CA's certificate: what mail clients trust. */
  get caCert(): string {
    return join(this.tlsDir, 'ca.pem');
  }
  get caKey(): string {
    return join(this.tlsDir, 'ca.key');
  }
  nodeTlsDir(name: string): string {
    return join(this.nodeDir(name), 'tls');
  }
  nodeCert(name: string): string {
    return join(this.nodeTlsDir(name), 'cert.pem');
  }
  nodeKey(name: string): string {
    return join(this.nodeTlsDir(name), 'key.pem');
  }
  nodeDir(name: string): string {
    return join(this.home, 'nodes', name);
  }
  nodeConfig(name: string): string {
    return join(this.nodeDir(name), 'agent.json');
  }
  nodeBindPassword(name: string): string {
    return join(this.nodeDir(name), 'bind-password');
  }
  nodeHostKey(name: string): string {
    return join(this.nodeDir(name), 'ssh_host_ed25519_key');
  }
  nodeData(name: string): string {
    return join(this.nodeDir(name), 'data');
  }
  nodeLog(name: string): string {
    return join(this.nodeDir(name), 'agent.log');
  }
  nodePid(name: string): string {
    return join(this.nodeDir(name), 'agent.pid');
  }
  directoryData(name: string): string {
    return join(this.nodeDir(name), 'ldap');
  }
}
