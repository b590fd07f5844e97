/** Who is signed in (name, role, a department's domains) and the sign-out button; nothing for a key profile. */
import { useTranslator } from '../i18n/use-translator';
import { connectConsole } from '../services/console-services';
import { signOut } from '../services/session-service';
import { useSessionStore } from '../store/session/session-store';

/** The signed-in person in the header. */
export function SessionBadge() {
  const tr = useTranslator();
  const session = useSessionStore((s) => s.session);
  if (session?.state !== 'signed-in') return null;
  const { admin } = session;
  const tier =
    admin.tier === 'domain'
      ? tr.t('session.tier.domain', { domains: admin.domains.join(', ') })
      : tr.t(`session.tier.${admin.tier}`);
  return (
    <div className="session-badge" data-tier={admin.tier}>
      <span className="session-who">
        {tr.t('session.signedInAs', { name: admin.displayName || admin.uid, tier })}
      </span>
      <button type="button" className="button" onClick={() => void signOut(connectConsole())}>
        {tr.t('session.signOut')}
      </button>
    </div>
  );
}
