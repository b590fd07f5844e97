/**
 * `mailfleet-agent --config FILE`: runs one node's agent until SIGTERM/SIGINT. Exit code 0 after a
 * clean stop, 1 when the agent cannot start (bad configuration, no server entry, port taken...),
 * 2 for bad arguments.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ldapUrl, maxDirectoryUrls } from './common/directory/directory-urls.js';
import { JsonLogger } from './common/json-logger.js';
import { Agent } from './daemon/agent.js';
import { loadAgentConfig } from './daemon/agent-config.js';
import { ProcessFaults } from './daemon/process-faults.js';
import { productionDependencies } from './daemon/production-dependencies.js';
import { SystemdNotifier } from './daemon/systemd-notifier.js';
import {
  renderMultiProviderSiteConfig,
  renderPasswordPolicyLdif,
  renderReplicatorLdif,
  renderSlapdSiteConfig,
} from './directory/slapd/site-config.js';

const usage = `usage: mailfleet-agent --config FILE
       mailfleet-agent --slapd-config BASE_DN    print the slapd.conf lines for the fleet tree
       mailfleet-agent --slapd-ppolicy BASE_DN   print the default password policy entry (LDIF)
       mailfleet-agent --slapd-multi-provider BASE_DN --provider URL --provider URL
                                                 print the lines of multi-provider replication
       mailfleet-agent --slapd-replicator BASE_DN
                                                 print the replication account's entries (LDIF)
`;

/** Runs the agent process; resolves with the exit code. */
export async function runAgentCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        'slapd-config': { type: 'string' },
        'slapd-ppolicy': { type: 'string' },
        'slapd-multi-provider': { type: 'string' },
        provider: { type: 'string', multiple: true },
        'slapd-replicator': { type: 'string' },
      },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    // For sites running OpenLDAP: what to add to slapd for the fleet (docs/directory.md).
    if (values['slapd-config'] !== undefined) {
      process.stdout.write(renderSlapdSiteConfig(values['slapd-config']));
      return 0;
    }
    if (values['slapd-ppolicy'] !== undefined) {
      process.stdout.write(renderPasswordPolicyLdif(values['slapd-ppolicy']));
      return 0;
    }
    if (values['slapd-multi-provider'] !== undefined) {
      const providers = z
        .array(ldapUrl)
        .min(2)
        .max(maxDirectoryUrls)
        .safeParse(values.provider ?? []);
      if (!providers.success)
        throw new Error('--provider: two to eight ldap://host:port URLs, one per provider');
      process.stdout.write(renderMultiProviderSiteConfig(values['slapd-multi-provider'], providers.data));
      return 0;
    }
    if (values['slapd-replicator'] !== undefined) {
      process.stdout.write(renderReplicatorLdif(values['slapd-replicator']));
      return 0;
    }
    configPath = values.config;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!configPath) {
    process.stderr.write(usage);
    return 2;
  }

  let config: Awaited<ReturnType<typeof loadAgentConfig>>;
  try {
    config = await loadAgentConfig(configPath);
  } catch (error) {
    process.stderr.write(`mailfleet-agent: ${(error as Error).message}\n`);
    return 1;
  }
  const logger = new JsonLogger(config.node, 'cli', config.log.level);
  // From here on the process serves: a stray rejection or exception is logged and counted, not fatal.
  const faults = new ProcessFaults(new JsonLogger(config.node, 'process', config.log.level));
  const uninstallFaults = faults.install();
  const agent = new Agent(
    config,
    productionDependencies({ version: await packageVersion(), processFaults: faults }),
  );
  const systemd = new SystemdNotifier({ env, logger });
  const aborter = new AbortController();

  let stopRequested: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info('signal received, stopping', { signal });
    aborter.abort(new Error(`stopped by ${signal}`));
    stopRequested(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    try {
      await agent.start(aborter.signal);
    } catch (error) {
      if (aborter.signal.aborted) return 0;
      const message = (error as Error).message;
      logger.error('agent could not start', { error: message });
      process.stderr.write(`mailfleet-agent: ${config.node} could not start: ${message}\n`);
      return 1;
    }
    await systemd.ready(`serving ${config.node}`);
    await stopped;
    await systemd.stopping();
    await agent.stop();
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    uninstallFaults();
  }
}

/** The version in package.json, looked up from the built file's place (dist/agent) or the source's. */
async function packageVersion(): Promise<string> {
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      const text = await readFile(new URL(candidate, import.meta.url), 'utf8');
      const parsed: unknown = JSON.parse(text);
      if (
        parsed &&
        typeof parsed === 'object' &&
        'name' in parsed &&
        parsed.name === 'mailfleet' &&
        'version' in parsed
      ) {
        return String(parsed.version);
      }
    } catch {
      // Not at this level; try the next.
    }
  }
  return '0.0.0-dev';
}
