/** The console page: asks who is using the console, then mounts the sign-in page or the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleRoot } from './console-root';
import { connectConsole } from './services/console-services';
import { startSession } from './services/session-service';
import { useSessionStore } from './store/session/session-store';

// Until main answers (the link may still be opening), nothing of the console is shown.
const askWhoIsIn = (): void => {
  void startSession(connectConsole(), useSessionStore).catch(() => setTimeout(askWhoIsIn, 2_000));
};
askWhoIsIn();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConsoleRoot />
    </StrictMode>,
  );
}
