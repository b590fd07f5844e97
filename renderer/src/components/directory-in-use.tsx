/**
 * Which directory server is in use, in a short line: "ディレクトリ: ldap2 (ldap1 が応答しません)".
 * For the console itself (in the header) and for each node (its page), from the link status the
 * console core and the agents' samples carry.
 */
import type { ConsoleFleetSnapshot } from '../../../main/console/console-contract';
import type { Translator } from '../i18n/translate';
import { useTranslator } from '../i18n/use-translator';

/** The link status as the console receives it. */
export type DirectoryLink = NonNullable<ConsoleFleetSnapshot['directory']['link']>;

/** A URL as a server name: host and port, without the scheme and the default ports. */
export function directoryServerName(url: string): string {
  return url
    .replace(/^ldap:\/\/([^/]+?)(:389)?\/?$/i, '$1')
    .replace(/^ldaps:\/\/([^/]+?)(:636)?\/?$/i, '$1 (TLS)');
}

/** The server in use and what is wrong with the others, in words: "ldap2 (ldap1 が応答しません)". */
export function directoryStatusText(tr: Translator, link: DirectoryLink): string {
  const problems = link.unanswered.map((u) =>
    tr.t(u.state === 'catching-up' ? 'directory.catchingUp' : 'directory.notAnswering', {
      server: directoryServerName(u.url),
    }),
  );
  if (!link.inUse) return tr.t('directory.noServer', { problems: problems.join(', ') || '—' });
  const server = directoryServerName(link.inUse);
  if (problems.length === 0) return server;
  return tr.t('directory.serverWith', { server, problems: problems.join(', ') });
}

/** The line, when there is a status to show. */
export function DirectoryInUse({ link, className }: { link: DirectoryLink | undefined; className?: string }) {
  const tr = useTranslator();
  if (!link) return null;
  const trouble = link.unanswered.length > 0 || !link.inUse;
  return (
    <p
      className={`directory-in-use${trouble ? ' directory-in-use-degraded' : ''} ${className ?? ''}`}
      title={tr.t('term.directory')}
    >
      {tr.t('directory.line', { status: directoryStatusText(tr, link) })}
    </p>
  );
}
