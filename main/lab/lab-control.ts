/**
 * The running lab's control socket (HOME/lab.sock): `mailfleet lab start NODE` asks the supervisor to
 * start a node so it stays the node's parent, logs and shutdown included. One JSON line each way.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { z } from 'zod';

export const labControlRequest = z.object({ op: z.literal('start'), node: z.string().min(1).max(100) });
export type LabControlRequest = z.infer<typeof labControlRequest>;

export const labControlReply = z.union([
  z.object({ ok: z.literal(true), message: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LabControlReply = z.infer<typeof labControlReply>;

/** Serves control requests on a Unix socket. */
export async function serveLabControl(
  socketPath: string,
  handle: (request: LabControlRequest) => Promise<LabControlReply>,
): Promise<Server> {
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      // A request is one short line; anything longer is not ours.
      if (buffer.length > 4096) {
        socket.end(`${JSON.stringify({ ok: false, error: 'request too long' })}\n`);
        return;
      }
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      const line = buffer.slice(0, newline);
      void answer(line).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
  });
  const answer = async (line: string): Promise<LabControlReply> => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { ok: false, error: 'not JSON' };
    }
    const parsed = labControlRequest.safeParse(json);
    if (!parsed.success) return { ok: false, error: `bad request: ${parsed.error.issues[0]?.message}` };
    try {
      return await handle(parsed.data);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}

/** Sends one request to a running lab; rejects with a clear message when no lab runs there. */
export async function sendLabControl(
  socketPath: string,
  request: LabControlRequest,
): Promise<LabControlReply> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(
          new Error(
            `no lab is running with its control socket at ${socketPath} (start one with 'mailfleet lab up')`,
          ),
        );
      } else reject(error);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(labControlReply.parse(JSON.parse(buffer)));
      } catch {
        reject(new Error('the lab answered something unreadable'));
      }
    });
    socket.write(`${JSON.stringify(request)}\n`);
  });
}
