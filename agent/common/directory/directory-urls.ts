/**
 * The directory's URLs: one, or several servers holding the same tree (OpenLDAP providers in
 * multi-provider replication), in order of preference. The agent config and the fleet profile
 * take either form; the client moves to the next URL when one stops answering (ldap-session.ts).
 */
import { z } from 'zod';

/**
 * One LDAP URL: scheme, host and optional port, nothing else. No user part (`ldap://u:p@h` would
 * put a secret where URLs are shown and logged), no path, DN or query (the base DN is its own
 * setting), no spaces.
 */
export const ldapUrl = z
  .string()
  .max(300)
  .regex(
    /^ldaps?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(:\d{1,5})?\/?$/,
    'ldap://host:port or ldaps://host:port (no user, path or query)',
  );

/** The most URLs a list may hold: a few providers, not a scan list. */
export const maxDirectoryUrls = 8;

/**
 * `url` of a directory setting: one URL, or a list in order of preference (the first is used
 * while it answers). No URL may appear twice.
 */
export const directoryUrls = z.union([
  ldapUrl,
  z
    .array(ldapUrl)
    .min(1)
    .max(maxDirectoryUrls)
    .refine((urls) => new Set(urls.map(normalUrl)).size === urls.length, 'a URL is listed twice'),
]);

/** A directory setting's `url` as written: one URL or several in order of preference. */
export type DirectoryUrls = string | readonly string[];

/** The URLs of a setting as a list, in order of preference. */
export function directoryUrlList(url: DirectoryUrls): string[] {
  return typeof url === 'string' ? [url] : [...url];
}

/** The URLs in words, for messages: `ldap://a:389` or `ldap://a:389, ldap://b:389`. */
export function describeDirectoryUrls(url: DirectoryUrls): string {
  return directoryUrlList(url).join(', ');
}

/**
 * A URL not in use because it stopped answering, or because it answers again but does not yet
 * hold every change of the server in use (`catching-up`); since when (ms since the epoch) and
 * why, in words.
 */
export interface UnansweredUrl {
  url: string;
  state: 'not-answering' | 'catching-up';
  since: number;
  reason: string;
}

/** Which directory a client uses now, and which did not answer. */
export interface DirectoryLinkStatus {
  /** Every URL, in order of preference. */
  urls: string[];
  /** Where operations go now; undefined before the first connection and while none answers. */
  inUse: string | undefined;
  /** URLs whose last attempt failed (connection refused, timeout, server unavailable). */
  unanswered: UnansweredUrl[];
}

/** The wire form of {@link DirectoryLinkStatus} (metrics samples, the console's snapshot). */
export const directoryLinkStatus = z.object({
  urls: z.array(z.string().max(300)).max(maxDirectoryUrls),
  inUse: z.string().max(300).optional(),
  unanswered: z
    .array(
      z.object({
        url: z.string().max(300),
        state: z.enum(['not-answering', 'catching-up']),
        since: z.number(),
        reason: z.string().max(500),
      }),
    )
    .max(maxDirectoryUrls),
});

function normalUrl(url: string): string {
  return url.toLowerCase().replace(/\/$/, '');
}
