/** How the Electron main process learns from `mailfleet console` to open on the sign-in page. */
/**
 * The sign-in choices `mailfleet console` passes to the Electron main process:
 * `MAILFLEET_SIGN_IN=1` (open on the sign-in page) and `MAILFLEET_IDLE_MINUTES`.
 */
export function signInOptions(env: NodeJS.ProcessEnv): { signIn?: boolean; idleMinutes?: number } {
  const idle = Number(env.MAILFLEET_IDLE_MINUTES);
  return {
    ...(env.MAILFLEET_SIGN_IN === '1' ? { signIn: true } : {}),
    ...(env.MAILFLEET_IDLE_MINUTES && Number.isFinite(idle) && idle > 0 ? { idleMinutes: idle } : {}),
  };
}
