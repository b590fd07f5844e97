/**
 * The `serviceEndpoints` the mail modules of one node hand to enrollment (`smtp=host:port`,
 * `imap=host:port`...). Several modules of the director publish there, so each merges its own
 * names in and takes only its own out again.
 */
import { hostname } from 'node:os';
import type { AgentRuntime } from '../agent-runtime.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** The host to publish for a listener on `host`: the node's address when it listens on every interface. */
export function publishHost(runtime: AgentRuntime, host: string): string {
  return wildcardHosts.has(host) ? (runtime.config.address ?? hostname()) : host;
}

/** Adds (or replaces) endpoints, keeping other modules' ones. */
export function addServiceEndpoints(runtime: AgentRuntime, endpoints: Record<string, string>): void {
  runtime.set('serviceEndpoints', { ...runtime.find('serviceEndpoints'), ...endpoints });
}

/** Removes the named endpoints, keeping other modules' ones. */
export function removeServiceEndpoints(runtime: AgentRuntime, names: readonly string[]): void {
  const kept = Object.entries(runtime.find('serviceEndpoints') ?? {}).filter(
    ([name]) => !names.includes(name),
  );
  runtime.set('serviceEndpoints', Object.fromEntries(kept));
}
