/**
 * A bare `mailfleet-rpc` channel over a real ssh2 Client, for tests that must send bytes the typed
 * RpcClient never would (bad JSON, over-long lines) and read the agent's lines one by one.
 */
import ssh2 from 'ssh2';
import { rpcSubsystem } from '../../agent/contract/json-rpc.js';

/** An open raw channel. */
export interface RawRpcChannel {
  /** Writes text as is (add `\n` yourself). Resolves once the channel has taken it. */
  write(text: string | Buffer): Promise<void>;
  /** The next line the agent sent, parsed as JSON. */
  nextMessage(): Promise<Record<string, unknown>>;
  close(): void;
}

/** Connects with a private key (host key not checked: tests pin keys through connectRpc). */
export async function openRawRpcChannel(options: {
  port: number;
  username: string;
  privateKey: string;
}): Promise<RawRpcChannel> {
  const client = new ssh2.Client();
  const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () =>
      client.subsys(rpcSubsystem, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    client.connect({
      host: '127.0.0.1',
      port: options.port,
      username: options.username,
      privateKey: options.privateKey,
    });
  });
  let buffered = '';
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  channel.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
      newline = buffered.indexOf('\n');
    }
  });
  return {
    write: (text) =>
      new Promise<void>((resolve) => {
        if (channel.write(text)) resolve();
        else channel.once('drain', () => resolve());
      }),
    nextMessage: async () => {
      const line = lines.shift() ?? (await new Promise<string>((resolve) => waiting.push(resolve)));
      return JSON.parse(line) as Record<string, unknown>;
    },
    close: () => client.end(),
  };
}
