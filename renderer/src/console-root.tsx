/**
 * What the window shows: the sign-in page while nobody is signed in to a console opened without a
 * key, the console otherwise (issue 15). The console's feeds start only once someone is in.
 */
import { useEffect } from 'react';
import { App } from './app';
import { useTranslator } from './i18n/use-translator';
import { startConsoleServices } from './services/console-services';
import { useSessionStore } from './store/session/session-store';
import { SignInPage } from './views/sign-in/sign-in-page';

/** The whole window. */
export function ConsoleRoot() {
  const tr = useTranslator();
  const session = useSessionStore((s) => s.session);
  const inside = session !== undefined && session.state !== 'signed-out';
  useEffect(() => {
    if (inside) startConsoleServices(session);
  }, [inside, session]);
  if (!session) return <p className="sign-in-loading">{tr.t('signIn.loading')}</p>;
  if (session.state === 'signed-out') return <SignInPage session={session} />;
  return <App />;
}
