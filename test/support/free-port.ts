/** Free loopback TCP ports for servers the tests start (other processes share this machine). */
import { createServer } from 'node:net';

/** A port that was free a moment ago: bind port 0, read the port, close. The caller retries on EADDRINUSE. */
export function probeFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
