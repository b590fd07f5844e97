/**
 * Binding and closing an smtp-server instance, shared by the LMTP, director and gateway servers: a
 * listen error (port taken) rejects instead of being emitted after we already said "started".
 */
import type { SMTPServer } from 'smtp-server';

/** Listens on host:port; rejects on a listen error. */
export function listenSmtpServer(server: SMTPServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
}

/** Stops listening and closes connections; nothing to do for a server never started. */
export async function closeSmtpServer(server: SMTPServer | null | undefined): Promise<void> {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
}
