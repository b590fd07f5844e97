/**
 * `npm run package:agent`: builds dist/packages/mailfleet-agent_<version>_all.deb from the built
 * project and prints its path (docs/install.md).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgentPackage } from './agent-package.js';

// dist/main/packaging/ -> the project.
const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
try {
  const built = await buildAgentPackage(projectDir, join(projectDir, 'dist', 'packages'));
  process.stdout.write(`${built.file}\n`);
} catch (error) {
  process.stderr.write(`package:agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
