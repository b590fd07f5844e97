#!/usr/bin/env node
// Runs the built agent (npm run build compiles agent/ to dist/).
import { runAgentCli } from '../dist/agent/cli.js';

// exit() rather than exitCode: a stopped agent must not linger because some socket was left open.
process.exit(await runAgentCli(process.argv.slice(2)));
