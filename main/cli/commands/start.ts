/**
 * `mailfleet start` (what `npm start` runs): with no fleet configured, starts the lab in this process
 * and shows the fleet's status once it is up. The graphical console arrives with its own issue; until
 * then this prints the status every few seconds.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chooseProfilePath, defaultLabHome } from '../../core/fleet-profile.js';
import { LabLayout } from '../../lab/lab-layout.js';
import { referenceLabSpec } from '../../lab/lab-plan.js';
import { runLab } from '../../lab/run-lab.js';
import { statusCommand } from './status.js';

export async function startCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { fleet: { type: 'string' } }, strict: true });
  const profilePath = chooseProfilePath(values.fleet);
  const configured = values.fleet !== undefined || process.env.MAILFLEET_FLEET !== undefined;
  if (configured && existsSync(profilePath)) {
    out(`fleet profile ${profilePath}; the graphical console is not built yet, so here is the status:`);
    return statusCommand(['--fleet', profilePath], out);
  }
  out('no fleet configured: starting the lab (Ctrl-C stops it)');
  return runLab(new LabLayout(defaultLabHome()), referenceLabSpec, out);
}
