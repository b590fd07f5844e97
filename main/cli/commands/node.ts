/**
 * `mailfleet node NAME restart SERVICE`, `mailfleet node NAME services`, `mailfleet node NAME info`.
 * The agent decides whether this admin may do it; a refusal is printed in its words.
 */
import { parseArgs } from 'node:util';
import { formatTable } from '../output.js';
import { answerTimeoutMs, openFleetFromFlag } from './fleet-options.js';
import { nodeAddCommand, nodeRemoveCommand } from './node-membership.js';

const usage =
  'usage: mailfleet node NAME (restart SERVICE | services | info) [--fleet FILE] [--json]\n' +
  '       mailfleet node add HOST --name NAME --role store|spare   (mailfleet node add --help)\n' +
  '       mailfleet node remove NAME [--host HOST]                 (mailfleet node remove --help)';

export async function nodeCommand(
  argv: string[],
  out: (text: string) => void,
  warn: (text: string) => void = (text) => process.stderr.write(`${text}\n`),
): Promise<number> {
  if (argv[0] === 'add') return nodeAddCommand(argv.slice(1), out, warn);
  if (argv[0] === 'remove') return nodeRemoveCommand(argv.slice(1), out, warn);
  const { values, positionals } = parseArgs({
    args: argv,
    options: { fleet: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [name, action, service] = positionals;
  if (
    !name ||
    !action ||
    (action === 'restart' && !service) ||
    !['restart', 'services', 'info'].includes(action)
  ) {
    throw new Error(usage);
  }
  const open = await openFleetFromFlag(values.fleet, false);
  try {
    if (!open.fleet.nodeNames().includes(name)) throw new Error(`no node named ${name} in the directory`);
    await open.fleet.settled(answerTimeoutMs);
    if (action === 'restart') {
      const result = await open.fleet.call(name, 'service.restart', { service: service! });
      out(
        values.json ? JSON.stringify(result) : `${name}: ${result.service.name} is ${result.service.state}`,
      );
      return result.service.state === 'running' ? 0 : 1;
    }
    if (action === 'services') {
      const { services } = await open.fleet.call(name, 'service.list', {});
      out(
        values.json
          ? JSON.stringify(services, null, 2)
          : formatTable(
              ['SERVICE', 'STATE', 'RESTARTS', 'DETAIL'],
              services.map((s) => [s.name, s.state, String(s.restarts), s.detail ?? '']),
            ),
      );
      return 0;
    }
    const info = await open.fleet.call(name, 'node.info', {});
    out(JSON.stringify(info, null, 2));
    return 0;
  } finally {
    await open.close();
  }
}
