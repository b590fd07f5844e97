/**
 * A bare `mailfleet-rpc` channel over a real ssh2 Client, for tests that must send bytes the typed
 * RpcClient never would (bad JSON, over-long lines, invalid UTF-8) and read the agent's lines one
 * by one.
 */
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import { rpcSubsystem } from '../../agent/common/contract/json-rpc.js';

/** An open raw channel. */
export interface RawRpcChannel {
  /** Writes text as is (add `\n` yourself). Resolves once the channel has taken it. */
  write(text: string | Buffer): Promise<void>;
  /** The next line the agent sent, parsed as JSON; rejects once the channel has closed. */
  nextMessage(): Promise<Record<string, unknown>>;
  close(): void;
}

/** Connects with a private key (host key not checked: tests pin keys through connectRpc). */
export async function openRawRpcChannel(options: {
  port: number;
  username: string;
  privateKey: string;
  host?: string;
}): Promise<RawRpcChannel> {
  const client = new ssh2.Client();
  const channel = await new Promise<ssh2.ClientChannel>((resolve, reject) => {
    client.once('error', reject);
    client.once('ready', () =>
      client.subsys(rpcSubsystem, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    client.connect({
      host: options.host ?? '127.0.0.1',
      port: options.port,
      username: options.username,
      privateKey: options.privateKey,
    });
  });
  client.on('error', () => {});
  // Decoded across chunks: a character may be split between two.
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  let closed = false;
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  channel.on('data', (chunk: Buffer) => {
    buffered += decoder.write(chunk);
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(line);
      else lines.push(line);
      newline = buffered.indexOf('\n');
    }
  });
  channel.on('close', () => {
    closed = true;
    for (const waiter of waiting.splice(0)) waiter.reject(new Error('the RPC channel closed'));
  });
  return {
    write: (text) =>
      new Promise<void>((resolve) => {
        if (closed || channel.write(text)) resolve();
        else {
          channel.once('drain', () => resolve());
          channel.once('close', () => resolve());
        }
      }),
    nextMessage: async () => {
      const line =
        lines.shift() ??
        (await new Promise<string>((resolve, reject) => {
          if (closed) reject(new Error('the RPC channel closed'));
          else waiting.push({ resolve, reject });
        }));
      return JSON.parse(line) as Record<string, unknown>;
    },
    close: () => client.end(),
  };
}
