/**
 * The HTML of the self-service page: the sign-in form and the settings form, in Japanese or
 * English. Every value is escaped; every form carries the session's CSRF token. No script.
 */
import type { MailUserEntry } from '../../../common/directory/fleet-entries.js';
import { toGeneralizedTime } from '../../../common/directory/user-self-service.js';
import type { QuotaUse } from '../../../common/quota-use.js';
import { type PageLanguage, say, type WordKey } from './self-service-words.js';

/** A message shown above the form: a refusal (nothing changed) or a confirmation. */
export interface PageNotice {
  kind: 'refused' | 'done';
  text: string;
}

const style = `body{font-family:system-ui,"Hiragino Sans","Noto Sans CJK JP",sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
h1{font-size:1.4rem}fieldset{border:1px solid #c9d1dc;border-radius:6px;margin:1rem 0;padding:.8rem 1rem}
legend{font-weight:600}label{display:block;margin:.5rem 0}input[type=text],input[type=email],input[type=password],input[type=date],input[type=number],textarea{width:100%;box-sizing:border-box;padding:.35rem;font:inherit}
textarea{min-height:5rem}.refused{background:#fde8e8;border:1px solid #d33;padding:.6rem}.done{background:#e6f6ea;border:1px solid #2a7;padding:.6rem}
button{font:inherit;padding:.4rem 1.2rem}meter{width:100%;height:1.2rem}.top{display:flex;justify-content:space-between;align-items:center;gap:1rem}`;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(language: PageLanguage, title: string, body: string): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`;
}

function notice(value: PageNotice | undefined): string {
  return value
    ? `<p class="${value.kind}" role="${value.kind === 'refused' ? 'alert' : 'status'}">${escapeHtml(value.text)}</p>`
    : '';
}

function languageLink(language: PageLanguage): string {
  const other = language === 'ja' ? 'en' : 'ja';
  return `<a href="/?lang=${other}" hreflang="${other}">${say(language, 'language')}</a>`;
}

/** The sign-in page. */
export function signInPage(
  language: PageLanguage,
  csrf: string,
  address: string,
  shown?: PageNotice,
): string {
  const w = (key: WordKey) => escapeHtml(say(language, key));
  return page(
    language,
    say(language, 'signInTitle'),
    `<div class="top"><h1>${w('signInTitle')}</h1>${languageLink(language)}</div>${notice(shown)}
<form method="post" action="/sign-in"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}">
<label>${w('address')}<input type="email" name="address" autocomplete="username" required value="${escapeHtml(address)}"></label>
<label>${w('password')}<input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">${w('signIn')}</button></form>`,
  );
}

/** A date input's value (YYYY-MM-DD, UTC) of an epoch ms. */
function dateValue(ms: number | undefined): string {
  if (ms === undefined) return '';
  const text = toGeneralizedTime(ms);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

function bytesInWords(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  // A small mailbox would read "0 MB": one decimal below 10 MB.
  if (bytes < 10 * 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

/**
 * The quota section: "使用中 X MB / 上限 Y MB" and a `<meter>` (drawn by the browser: the page has
 * no script), or the limit alone and why the use is missing. The store's limit wins over the
 * entry's: it includes the department default.
 */
function quotaSection(language: PageLanguage, user: MailUserEntry, use: QuotaUse | undefined): string {
  const w = (key: WordKey) => escapeHtml(say(language, key));
  const limitOfEntry = user.quotaBytes ? bytesInWords(user.quotaBytes) : say(language, 'quotaDomainDefault');
  const legend = `<legend>${w('quota')}</legend>`;
  if (!use)
    return `<fieldset>${legend}<p>${w('quotaLimit')}: <span id="quota-limit">${escapeHtml(limitOfEntry)}</span></p><p id="quota-use-missing">${w('quotaUseUnavailable')}</p></fieldset>`;
  if (!('usedBytes' in use))
    return `<fieldset>${legend}<p id="quota-use">${w('quotaLimit')}: <span id="quota-limit">${w('quotaNoLimit')}</span></p></fieldset>`;
  const used = bytesInWords(use.usedBytes);
  const limit = bytesInWords(use.limitBytes);
  const meter = `<meter id="quota-meter" min="0" max="${use.limitBytes}" value="${Math.min(use.usedBytes, use.limitBytes)}" low="${Math.floor(use.limitBytes * 0.8)}" high="${Math.floor(use.limitBytes * 0.95)}" optimum="0">${escapeHtml(used)} / ${escapeHtml(limit)}</meter>`;
  return `<fieldset>${legend}<p id="quota-use">${w('quotaInUse')} <span id="quota-used">${escapeHtml(used)}</span> / ${w('quotaLimit')} <span id="quota-limit">${escapeHtml(limit)}</span></p>${meter}</fieldset>`;
}

/** The settings page of a signed-in user, with its quota use (undefined: not available now). */
export function settingsPage(
  language: PageLanguage,
  csrf: string,
  user: MailUserEntry,
  use: QuotaUse | undefined,
  shown?: PageNotice,
): string {
  const w = (key: WordKey) => escapeHtml(say(language, key));
  const settings = user.selfService;
  const vacation = settings?.vacation;
  const spam = settings?.spam;
  const checked = (on: boolean | undefined) => (on ? ' checked' : '');
  const hidden = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  return page(
    language,
    say(language, 'title'),
    `<div class="top"><h1>${w('title')}</h1>${languageLink(language)}</div>
<p>${w('signedInAs')} <strong id="signed-in-address">${escapeHtml(user.mail)}</strong></p>${notice(shown)}
<form method="post" action="/settings">${hidden}
<fieldset><legend>${w('forwarding')}</legend>
<label>${w('forwardTo')}<textarea name="forwardTo">${escapeHtml((settings?.forwardTo ?? []).join('\n'))}</textarea></label>
<label><input type="checkbox" name="keepCopy" value="on"${checked(settings?.keepCopy ?? true)}> ${w('keepCopy')}</label></fieldset>
<fieldset><legend>${w('vacation')}</legend>
<label><input type="checkbox" name="vacationActive" value="on"${checked(vacation?.active)}> ${w('vacationOn')}</label>
<label>${w('start')}<input type="date" name="vacationStart" value="${dateValue(vacation?.startsAt)}"></label>
<label>${w('end')}<input type="date" name="vacationEnd" value="${dateValue(vacation?.endsAt)}"></label>
<label>${w('subject')}<input type="text" name="vacationSubject" maxlength="256" value="${escapeHtml(vacation?.subject ?? '')}"></label>
<label>${w('body')}<textarea name="vacationBody" maxlength="8192">${escapeHtml(vacation?.body ?? '')}</textarea></label></fieldset>
<fieldset><legend>${w('spam')}</legend>
<label><input type="radio" name="spam" value="none"${checked(!spam)}> ${w('spamNone')}</label>
<label><input type="radio" name="spam" value="junk"${checked(spam?.mode === 'junk')}> ${w('spamJunk')}</label>
<label><input type="radio" name="spam" value="reject"${checked(spam?.mode === 'reject')}> ${w('spamReject')}
<input type="number" name="rejectScore" min="1" max="100" step="0.5" value="${spam?.mode === 'reject' ? spam.rejectScore : 15}"></label></fieldset>
<button type="submit">${w('save')}</button></form>
${quotaSection(language, user, use)}
<form method="post" action="/password">${hidden}<fieldset><legend>${w('changePassword')}</legend>
<label>${w('currentPassword')}<input type="password" name="current" autocomplete="current-password" required></label>
<label>${w('newPassword')}<input type="password" name="next" autocomplete="new-password" required></label>
<label>${w('newPasswordAgain')}<input type="password" name="again" autocomplete="new-password" required></label>
<button type="submit">${w('changePassword')}</button></fieldset></form>
<form method="post" action="/sign-out">${hidden}<button type="submit">${w('signOut')}</button></form>`,
  );
}
