/** English strings of the sign-in page and the signed-in header (spread into messages-en.ts). */
export const signInMessagesEn = {
  'signIn.title': 'Sign in to the mail console',
  'signIn.intro':
    'Sign in with your user name and password of the directory (the ones the system administrator gave you). The console shows what your role may do.',
  'signIn.uid': 'User name',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.working': 'Signing in…',
  'signIn.loading': 'Opening the console…',
  'signIn.reason.signed-out': 'You signed out.',
  'signIn.reason.idle': 'You were signed out because the console was not used for {time}.',
  'signIn.reason.password-refused':
    'You were signed out because your password is no longer accepted (it was changed, or your account was locked or removed). Sign in with your current password.',
  'signIn.failed': 'Signing in did not work: {detail}',
  'session.signedInAs': 'Signed in as {name} ({tier})',
  'session.tier.system': 'system administrator',
  'session.tier.helpdesk': 'helpdesk',
  'session.tier.domain': 'department administrator: {domains}',
  'session.signOut': 'Sign out',
  'session.viewHidden': 'This page is not part of your role in the console.',
} as const;
