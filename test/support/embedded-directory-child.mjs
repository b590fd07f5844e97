// Runs an embedded directory in a process of its own, so a test can kill it with SIGKILL.
// Usage: node embedded-directory-child.mjs COMPILED_ROOT DATA_DIR BASE_DN ROOT_DN ROOT_PASSWORD
// COMPILED_ROOT is where agent/directory was compiled to (see compiled-directory.ts). Prints
// {"url": "..."} on one line once it listens.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [compiledRoot, dataDir, baseDn, rootDn, rootPassword] = process.argv.slice(2);
const serverModule = join(compiledRoot, 'agent/directory/embedded/embedded-directory-server.js');
const { EmbeddedDirectoryServer } = await import(pathToFileURL(serverModule).href);
// A small compaction threshold makes snapshots happen while the test writes (and kills).
const server = new EmbeddedDirectoryServer({
  dataDir,
  baseDn,
  rootDn,
  rootPassword,
  port: 0,
  compactAfterBytes: 32 * 1024,
});
await server.start();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
