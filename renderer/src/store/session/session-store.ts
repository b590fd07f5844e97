/**
 * Who is using the console (issue 15): a key profile, a signed-in admin with its tier and domains,
 * or nobody (the sign-in page) and why. The views the page shows follow from it (views-of-tier.ts).
 */
import { create } from 'zustand';
import type { SessionState } from '../../../../main/console/console-contract';
import type { ConsoleView } from '../ui/view-slice';
import { consoleViews } from '../ui/view-slice';

export interface SessionStore {
  /** Undefined until main answered. */
  session: SessionState | undefined;
  showSession(session: SessionState): void;
}

/** The window's session store. */
export const useSessionStore = create<SessionStore>()((set) => ({
  session: undefined,
  showSession: (session) => set({ session }),
}));

/**
 * The views each tier sees (hidden, not greyed out, for the rest). A key profile and the system
 * tier see them all; the helpdesk all users and the queues; a department admin its users (the
 * Directory view: users, aliases, groups, quotas), where its mail went (Mail trace), its domains'
 * queued mail (read-only) and its domains' spam figures and policy.
 */
const tierViews: Record<'system' | 'helpdesk' | 'domain', readonly ConsoleView[]> = {
  system: consoleViews,
  helpdesk: ['queues', 'trace', 'directory', 'moves', 'lockouts'],
  domain: ['directory', 'trace', 'queues', 'spam'],
};

/** The views this session may see; none while signed out. */
export function viewsOf(session: SessionState | undefined): readonly ConsoleView[] {
  if (!session) return [];
  if (session.state === 'key') return consoleViews;
  if (session.state === 'signed-out') return [];
  return tierViews[session.admin.tier];
}

/** A signed-in department admin's domains, or undefined for anyone else (staff see everything). */
export function departmentDomains(session: SessionState | undefined): readonly string[] | undefined {
  return session?.state === 'signed-in' && session.admin.tier === 'domain'
    ? session.admin.domains
    : undefined;
}
