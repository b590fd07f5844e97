/**
 * The move bench's peer, rsync, run three ways on the same Maildir in the same run:
 *
 * - `rsync -a SRC/ DST/`: the copy between the two nodes' data directories the issue names (on
 *   this one machine both are local paths: no network, no encryption, nothing synced: the copy is
 *   in the page cache when rsync exits);
 * - `rsync -a -e ssh SRC/ 127.0.0.1:DST/`: how rsync's users copy between two nodes, through
 *   Debian's OpenSSH (sshd started here, host key pinned);
 * - `rsync -a --fsync`: the local copy made as durable as a move's (every file synced).
 *
 * Each run writes into a new directory, and nothing is removed before a timed run: ext4 creates
 * files slowly for about 30 s (5 minutes while the inode table is dirty) after many files were
 * deleted nearby (`recently_deleted` in the inode allocator: perf showed it as a third of a timed
 * rsync's time after the bench removed the previous copy), which made earlier figures swing 2-24 s.
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type OpenSshPeer, startOpenSshPeer } from '../control/openssh-peer.js';

const run = promisify(execFile);

/** The ways rsync is run. */
export type RsyncWay = 'local' | 'ssh' | 'fsync';

/** rsync, ready to copy (sshd started for the `ssh` way). */
export interface RsyncPeer {
  /** Copies `from`/ into the new directory `to`/; resolves with the seconds it took. */
  copy(way: RsyncWay, from: string, to: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts sshd for rsync over SSH, with a client key of its own in `dir`. */
export async function startRsyncPeer(dir: string): Promise<RsyncPeer> {
  const key = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const sshd: OpenSshPeer = await startOpenSshPeer(join(dir, 'sshd'), await readFile(`${key}.pub`, 'utf8'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKey}\n`);
  const ssh = `ssh -i ${key} -p ${sshd.port} -o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  const args: Record<RsyncWay, (from: string, to: string) => string[]> = {
    local: (from, to) => ['-a', `${from}/`, `${to}/`],
    ssh: (from, to) => ['-a', '-e', ssh, `${from}/`, `127.0.0.1:${to}/`],
    fsync: (from, to) => ['-a', '--fsync', `${from}/`, `${to}/`],
  };
  return {
    copy: (way, from, to) => timedRsync(args[way](from, to)),
    stop: () => sshd.stop(),
  };
}

/** `rsync -a FROM/ TO/` (no sshd needed); resolves with the seconds it took. */
export function rsyncLocally(from: string, to: string): Promise<number> {
  return timedRsync(['-a', `${from}/`, `${to}/`]);
}

async function timedRsync(args: string[]): Promise<number> {
  const began = performance.now();
  await run('rsync', args);
  return (performance.now() - began) / 1000;
}

/** Writes back everything dirty (between timed runs, so none pays for the one before). */
export async function flushDisks(): Promise<void> {
  await run('sync');
}
