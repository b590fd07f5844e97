#!/usr/bin/env node
// Runs the built agent (npm run build compiles agent/ to dist/).

// libuv's thread pool (file system calls, DNS, crypto) has 4 threads by default; a mail store
// reads and writes many small files at once (IMAP sessions, deliveries, a move's copy reading
// ahead), so it gets more unless the environment says otherwise. Set before the agent's code is
// loaded: the pool starts on its first use and keeps its size.
process.env.UV_THREADPOOL_SIZE ??= '16';
const { runAgentCli } = await import('../dist/agent/cli.js');

// exit() rather than exitCode: a stopped agent must not linger because some socket was left open.
process.exit(await runAgentCli(process.argv.slice(2)));
