/**
 * The console window's own origin: the renderer is served from the privileged `mailfleet://console/`
 * scheme (never file://, so no other local file shares its origin). An IPC message is trusted only
 * from a frame whose URL is on it.
 */

/** Scheme the renderer is served from. */
export const appScheme = 'mailfleet';
/** Host part of the renderer's URLs. */
export const appHost = 'console';
/** The page the window opens. */
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/** Whether a frame URL belongs to the console's renderer. */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${appScheme}:` &&
      parsed.host === appHost &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}
