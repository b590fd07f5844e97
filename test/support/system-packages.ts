/**
 * The Debian packages the tests need, installed by the test set-up itself when it runs as root on
 * Debian, and otherwise named in a clear message. No test is skipped for a missing program.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A program the tests run, and the Debian package that provides it. */
export interface SystemRequirement {
  program: string;
  debianPackage: string;
  why: string;
}

/** Everything the suite needs from the system. */
export const systemRequirements: SystemRequirement[] = [
  { program: '/usr/sbin/slapd', debianPackage: 'slapd', why: 'directory tests against real OpenLDAP' },
  {
    program: '/usr/bin/ldapsearch',
    debianPackage: 'ldap-utils',
    why: 'checking the shipped schema with OpenLDAP tools',
  },
  {
    program: '/usr/sbin/dovecot',
    debianPackage: 'dovecot-imapd',
    why: 'Maildir format test: Dovecot serves what the store wrote',
  },
  {
    program: '/usr/lib/dovecot/imap',
    debianPackage: 'dovecot-imapd',
    why: 'Maildir format test and store bench',
  },
  {
    program: '/usr/lib/dovecot/pop3',
    debianPackage: 'dovecot-pop3d',
    why: 'store bench and POP3 comparisons',
  },
  {
    program: '/usr/lib/dovecot/lmtp',
    debianPackage: 'dovecot-lmtpd',
    why: 'store bench: Dovecot LMTP delivery rate',
  },
  {
    program: '/usr/bin/curl',
    debianPackage: 'curl',
    why: "IMAP and POP3 interop with curl's imap:// and pop3://",
  },
  {
    program: '/usr/bin/python3',
    debianPackage: 'python3',
    why: "IMAP and POP3 interop with Python's imaplib and poplib",
  },
  { program: '/usr/bin/openssl', debianPackage: 'openssl', why: 'test and lab certificates' },
  {
    program: '/usr/lib/dovecot/dovecot-config',
    debianPackage: 'dovecot-dev',
    why: "building Dovecot's imaptest (IMAP compliance and stress tests)",
  },
  { program: '/usr/bin/autoreconf', debianPackage: 'autoconf', why: 'building imaptest' },
  { program: '/usr/bin/automake', debianPackage: 'automake', why: 'building imaptest' },
  { program: '/usr/bin/libtoolize', debianPackage: 'libtool', why: 'building imaptest' },
  { program: '/usr/bin/pkg-config', debianPackage: 'pkg-config', why: 'building imaptest' },
  { program: '/usr/bin/cc', debianPackage: 'build-essential', why: 'building imaptest' },
  {
    program: '/usr/bin/rspamd',
    debianPackage: 'rspamd',
    why: 'gateway content scanning against a real rspamd',
  },
  {
    program: '/usr/sbin/clamd',
    debianPackage: 'clamav-daemon',
    why: "the gateway's virus scanning against a real clamd (a test-made EICAR signature)",
  },
  { program: '/usr/bin/zip', debianPackage: 'zip', why: 'EICAR inside a zip attachment' },
  {
    program: '/usr/sbin/postfix',
    debianPackage: 'postfix',
    why: 'director interop: Postfix as the outside sender and receiver, and the director bench peer',
  },
  {
    program: '/usr/sbin/postsrsd',
    debianPackage: 'postsrsd',
    why: "SRS interop: the director's SRS addresses checked against postsrsd's, both ways",
  },
  {
    program: '/usr/bin/chromium',
    debianPackage: 'chromium',
    why: 'console end-to-end tests in browser mode (playwright-core drives Debian Chromium)',
  },
  {
    program: '/usr/bin/xvfb-run',
    debianPackage: 'xvfb',
    why: 'headed console runs and screenshots under a virtual display',
  },
  {
    program: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
    debianPackage: 'fonts-ipafont-gothic',
    why: 'Japanese text in console screenshots (Chromium shows boxes without a Japanese font)',
  },
  { program: '/usr/bin/zsh', debianPackage: 'zsh', why: "the zsh completion of 'mailfleet completion zsh'" },
];

/** Installs what is missing (root on Debian) or throws naming the packages to install. */
export function ensureSystemRequirements(requirements = systemRequirements): void {
  const missing = requirements.filter((r) => !existsSync(r.program));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((r) => r.debianPackage))];
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
  if (!isRoot || !isDebian) {
    const lines = missing.map((r) => `  ${r.program} (Debian package ${r.debianPackage}): ${r.why}`);
    throw new Error(
      `The tests need programs that are not installed:\n${lines.join('\n')}\n` +
        `Install them (as root on Debian: apt-get install ${packages.join(' ')}) and run the tests again.`,
    );
  }
  // policy-rc.d stops the packages from starting system-wide daemons: tests start their own.
  if (!existsSync('/usr/sbin/policy-rc.d')) {
    execFileSync('sh', [
      '-c',
      "printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d",
    ]);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (packages.includes('postfix')) {
    // Without a preseed the postfix package asks which mail setup to write; tests write their own.
    execFileSync('sh', [
      '-c',
      "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections",
    ]);
  }
  process.stderr.write(`installing test prerequisites: ${packages.join(' ')}\n`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=120', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = missing.filter((r) => !existsSync(r.program));
  if (still.length > 0) throw new Error(`apt-get did not provide: ${still.map((r) => r.program).join(', ')}`);
}
