/**
 * The peer for the control bench: Debian's OpenSSH sshd, started in the foreground on a free loopback
 * port, with a subsystem that echoes lines (`/bin/cat`). The same ssh2 client talks to it and to the
 * agent, so the ratio shows what the agent's SSH server and JSON-RPC dispatch cost over OpenSSH's
 * transport floor.
 */
import { userInfo } from 'node:os';
import ssh2 from 'ssh2';
import { startForegroundSshd } from '../../test/support/foreground-sshd.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

export interface OpenSshPeer {
  port: number;
  hostKey: string;
  stop(): Promise<void>;
}

/** Starts sshd accepting `clientPublicKey`, with `Subsystem echo /bin/cat`. */
export async function startOpenSshPeer(dir: string, clientPublicKey: string): Promise<OpenSshPeer> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/sshd',
      debianPackage: 'openssh-server',
      why: 'the control and move benches compare with OpenSSH',
    },
    { program: '/usr/bin/ssh-keygen', debianPackage: 'openssh-client', why: 'host key for the OpenSSH peer' },
  ]);
  const sshd = await startForegroundSshd({
    dir,
    address: '127.0.0.1',
    user: userInfo().username,
    authorizedKey: clientPublicKey,
    extraConfig: ['Subsystem echo /bin/cat'],
  });
  return { port: sshd.port, hostKey: sshd.hostPublicKey, stop: () => sshd.stop() };
}

/** An echo channel on the peer: `roundTrip(line)` sends a line and waits for it to come back. */
export async function openEchoChannel(
  peer: OpenSshPeer,
  privateKey: string,
): Promise<{ roundTrip(line: string): Promise<void>; close(): void }> {
  const pinned = ssh2.utils.parseKey(peer.hostKey);
  if (pinned instanceof Error) throw pinned;
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: peer.port,
      username: userInfo().username,
      privateKey,
      hostVerifier: (key: Buffer) => key.equals(pinned.getPublicSSH()),
    });
  });
  const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
    client.subsys('echo', (error, ch) => (error ? reject(error) : resolve(ch))),
  );
  let buffered = '';
  let waiting: (() => void) | undefined;
  channel.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    if (buffered.includes('\n')) {
      buffered = buffered.slice(buffered.indexOf('\n') + 1);
      waiting?.();
    }
  });
  return {
    roundTrip: (line) =>
      new Promise<void>((resolve) => {
        waiting = resolve;
        channel.write(`${line}\n`);
      }),
    close: () => client.end(),
  };
}
