/**
 * The director's self-service page for tests: a SelfServiceServer over HTTPS (a certificate of a
 * test CA) in front of a director fixture, with the fixture's shared login check, router and
 * directory, and Debian's Chromium trusting exactly that certificate. Used by the page's own test
 * and by the delivery test with Debian Postfix, so the settings there come through the real form.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../../../../agent/common/clock.js';
import { LdapFleetDirectory } from '../../../../../agent/common/directory/ldap-fleet-directory.js';
import { DirectorAuthenticator } from '../../../../../agent/mail/director/director-authenticator.js';
import { SelfServiceServer } from '../../../../../agent/mail/director/self-service/self-service-server.js';
import { launchChromium } from '../../../../support/chromium.js';
import { makeTestCertificates, type TestCertificates } from '../../../../support/test-certificates.js';
import type { DirectorFixture } from '../director-fixture.js';

/** What a user fills into the page's settings form; fields left out are not touched. */
export interface PageSettings {
  /** One address a line in the form. */
  forwardTo?: readonly string[];
  keepCopy?: boolean;
  /** Whole days in UTC, `YYYY-MM-DD`, as the form's date fields take them. */
  vacation?: { start: string; end: string; subject: string; body: string };
  spam?: 'none' | 'junk';
}

/** The page, its certificates and a Chromium for it. */
export interface SelfServicePage {
  server: SelfServiceServer;
  certificates: TestCertificates;
  browser: Browser;
  /** `https://127.0.0.1:<port>` */
  base(): string;
  /** A page in a fresh browser context (no cookies of another). */
  newPage(): Promise<Page>;
  /** Opens the page in `language` and signs in with the form. */
  signIn(page: Page, address: string, password: string, language?: 'ja' | 'en'): Promise<void>;
  /** Fills the settings form of a signed-in page and saves it. */
  saveSettings(page: Page, settings: PageSettings): Promise<void>;
  stop(): Promise<void>;
}

/** The date field's form of a moment: its day in UTC. */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Starts the page on a free port in front of `fx`, and Chromium. */
export async function startSelfServicePage(fx: DirectorFixture, clock: Clock): Promise<SelfServicePage> {
  const certificates = await makeTestCertificates('director01');
  const url = fx.directory.url;
  const logins = new DirectorAuthenticator({ directory: fx.ldap, clock });
  const server = new SelfServiceServer({
    host: '127.0.0.1',
    port: 0,
    tls: certificates.credentials,
    clock,
    authenticate: (address, password, client) => logins.authenticate(address, password, client),
    findUser: (address) => fx.ldap.findUserByAddress(address),
    expand: (address) => fx.router.expand(address),
    // As the director module wires it.
    saved: (address) => fx.router.invalidate({ user: address }),
    bindAs: (dn, password) =>
      LdapFleetDirectory.withPassword({
        url,
        baseDn: 'dc=mailfleet,dc=test',
        bindDn: dn,
        bindPassword: password,
      }),
  });
  await server.start();
  const browser = await chromiumTrusting(certificates.certFile);
  const base = () => `https://127.0.0.1:${server.port}`;
  return {
    server,
    certificates,
    browser,
    base,
    newPage: async () => (await browser.newContext()).newPage(),
    signIn: (page, address, password, language) => signInOnPage(page, base(), address, password, language),
    saveSettings: saveSettingsOnPage,
    async stop() {
      await browser.close();
      await server.stop();
      await certificates.remove();
    },
  };
}

/** Debian's Chromium trusting exactly the certificate in `certFile` (the test CA is not in its store). */
export async function chromiumTrusting(certFile: string): Promise<Browser> {
  const pem = await readFile(certFile, 'utf8');
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return launchChromium([
    `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
  ]);
}

/** Opens the page at `base` in `language` and signs in with its form. */
export async function signInOnPage(
  page: Page,
  base: string,
  address: string,
  password: string,
  language: 'ja' | 'en' = 'ja',
): Promise<void> {
  await page.goto(`${base}/?lang=${language}`);
  await page.fill('input[name=address]', address);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

/** Fills the settings form of a signed-in page and saves it; fields left out are not touched. */
export async function saveSettingsOnPage(page: Page, settings: PageSettings): Promise<void> {
  if (settings.forwardTo) await page.fill('textarea[name=forwardTo]', settings.forwardTo.join('\n'));
  if (settings.keepCopy !== undefined) await page.setChecked('input[name=keepCopy]', settings.keepCopy);
  if (settings.vacation) {
    await page.check('input[name=vacationActive]');
    await page.fill('input[name=vacationStart]', settings.vacation.start);
    await page.fill('input[name=vacationEnd]', settings.vacation.end);
    await page.fill('input[name=vacationSubject]', settings.vacation.subject);
    await page.fill('textarea[name=vacationBody]', settings.vacation.body);
  }
  if (settings.spam) await page.check(`input[name=spam][value=${settings.spam}]`);
  await page.click('form[action="/settings"] button[type=submit]');
}
