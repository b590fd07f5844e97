/**
 * `mailfleet start` (what `npm start` runs): with a fleet configured (--fleet or MAILFLEET_FLEET),
 * the console on it. With none, starts the lab in this process and, once every node answers, the
 * console on the lab's profile. The console is the Electron window when its binary is installed,
 * else browser mode, which says why and prints the URL.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chooseProfilePath, defaultLabHome } from '../../core/fleet-profile.js';
import { LabLayout } from '../../lab/lab-layout.js';
import { referenceLabSpec } from '../../lab/lab-plan.js';
import { runLab } from '../../lab/run-lab.js';
import { consoleCommand, type RunningConsole, startConsole } from './console.js';

export async function startCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { fleet: { type: 'string' }, web: { type: 'boolean', default: false } },
    strict: true,
  });
  const profilePath = chooseProfilePath(values.fleet);
  const configured = values.fleet !== undefined || process.env.MAILFLEET_FLEET !== undefined;
  const web = values.web ? ['--web'] : [];
  if (configured && existsSync(profilePath)) return consoleCommand(['--fleet', profilePath, ...web], out);
  out('no fleet configured: starting the lab, then the console (Ctrl-C stops both)');
  const layout = new LabLayout(defaultLabHome());
  let consoleStarting: Promise<RunningConsole> | undefined;
  const code = await runLab(layout, referenceLabSpec, (line) => {
    out(line);
    // The lab says this once, when every node answers: the console then shows a whole fleet.
    if (consoleStarting === undefined && /^lab up: all \d+ nodes answering/.test(line)) {
      consoleStarting = startConsole(layout.profile, { web: values.web, port: 0 }, out);
      consoleStarting.catch((error: unknown) =>
        out(`console did not start: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  });
  await consoleStarting?.then((running) => running.stop()).catch(() => {});
  return code;
}
