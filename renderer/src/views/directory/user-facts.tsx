/** What the directory and the user's store say about a user: store, mailbox use, addresses, login. */

import type { MailboxUsage, UserPage } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import type { DirectoryViewError } from '../../store/shown-error';
import { sizeText } from './directory-format';
import { ErrorInWords } from './error-in-words';

/** The facts of a user page, as a definition list. */
export function UserFacts({
  page,
  usage,
  usageError,
}: {
  page: UserPage;
  usage: MailboxUsage | undefined;
  usageError: DirectoryViewError | undefined;
}) {
  const tr = useTranslator();
  const none = tr.t('dir.user.none');
  let use: string;
  if (!usage) use = usageError ? '—' : tr.t('dir.row.loading');
  else if (!usage.exists) use = tr.t('dir.user.noMailbox');
  else if (usage.limitBytes > 0) {
    use = tr.t('dir.user.quotaUseValue', {
      used: sizeText(usage.usedBytes, tr),
      limit: sizeText(usage.limitBytes, tr),
      share: tr.percent(usage.usedBytes / usage.limitBytes),
    });
  } else use = tr.t('dir.user.quotaUseNoLimit', { used: sizeText(usage.usedBytes, tr) });
  const lastLogin = !usage
    ? '—'
    : usage.lastLoginAt === null
      ? tr.t('dir.user.neverLoggedIn')
      : new Intl.DateTimeFormat(tr.locale === 'ja' ? 'ja-JP' : 'en-US', {
          dateStyle: 'medium',
          timeStyle: 'short',
        }).format(usage.lastLoginAt);
  const facts: Array<[string, string, string]> = [
    ['address', tr.t('dir.user.address'), page.mail],
    ['reading', tr.t('dir.fact.reading'), page.reading ?? none],
    ['uid', tr.t('dir.user.uid'), page.uid],
    [
      'store',
      tr.t('dir.user.store'),
      usage ? tr.t('dir.user.storeNode', { store: page.logicalStore, node: usage.node }) : page.logicalStore,
    ],
    ['quota-use', tr.t('dir.user.quotaUse'), use],
    ['messages', tr.t('dir.user.messages'), usage?.exists ? tr.number(usage.messages) : '—'],
    ['aliases', tr.t('dir.user.aliases'), page.aliases.length ? page.aliases.join(', ') : none],
    ['forwarding', tr.t('dir.user.forwarding'), page.forwardTo ?? tr.t('dir.user.noForwarding')],
    ['last-login', tr.t('dir.user.lastLogin'), lastLogin],
    ['state', tr.t('dir.user.state'), tr.t(`dir.state.${page.state}`)],
  ];
  return (
    <>
      <dl className="dir-facts">
        {facts.map(([key, label, value]) => (
          <div key={key} className="dir-fact" data-fact={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {usageError && <ErrorInWords error={usageError} />}
    </>
  );
}
