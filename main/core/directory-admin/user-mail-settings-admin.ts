/**
 * A user's mail settings from the console (issue 15): forwarding, the vacation reply and spam
 * handling, the same settings the user sets on the self-service page (docs/self-service.md).
 * Checked as the page checks them, refused in words with nothing written; then written with the
 * admin's own bind, so the directory's access rules decide who may (a department admin for its
 * domains, the helpdesk and system tiers for all) and the directory records who did.
 */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../../agent/common/directory/fleet-entries.js';
import {
  selfServiceProblem,
  type UserSelfService,
} from '../../../agent/common/directory/user-self-service.js';
import type { DirectoryAdminResult } from './directory-admin-contract.js';
import { AdminRefusal, type DirectoryAdminError } from './directory-admin-errors.js';
import type { UserMailSettings, UserMailSettingsWrite } from './user-mail-settings-contract.js';

/** Why settings are refused, in the words the console shows (nothing was changed). */
const refusalWords = {
  forwardLoop: {
    en: 'Forwarding to the user’s own address would loop, so it is refused. Nothing was changed.',
    ja: '利用者自身のアドレスへの転送はループになるため設定できません。何も変更していません。',
  },
  forwardTwice: {
    en: 'A forwarding address is listed twice. Nothing was changed.',
    ja: '同じ転送先が二度書かれています。何も変更していません。',
  },
  badAddress: {
    en: 'A forwarding address is not a mail address (name@domain). Nothing was changed.',
    ja: '転送先がメールアドレス（名前@ドメイン）になっていません。何も変更していません。',
  },
  vacationDates: {
    en: 'The vacation must end after it starts. Nothing was changed.',
    ja: '不在の終了日時は開始日時より後にしてください。何も変更していません。',
  },
  vacationText: {
    en: 'A vacation reply that is on needs a text. Nothing was changed.',
    ja: '不在の自動返信をオンにするには本文が必要です。何も変更していません。',
  },
} as const;

function refusal(key: keyof typeof refusalWords, field: string, detail: string): DirectoryAdminError {
  return { code: 'invalid-input', message: { ...refusalWords[key] }, detail, field };
}

/** The settings as the directory holds them on a user's entry. */
export function userMailSettings(user: MailUserEntry): UserMailSettings {
  const own = user.selfService;
  return {
    address: user.mail,
    forwardTo: own?.forwardTo ?? [],
    keepCopy: own?.keepCopy ?? false,
    vacation: own?.vacation ?? null,
    spam: own?.spam ?? null,
  };
}

/**
 * Writes a user's settings (the whole setting, one modify) after the page's checks, against all the
 * user's addresses, and returns them as read back. `requireUser` reads the user with the admin's
 * bind: a user the directory hides from this admin is not found.
 */
export async function writeUserMailSettings(
  directory: FleetDirectory,
  write: UserMailSettingsWrite,
  requireUser: (address: string) => Promise<MailUserEntry>,
): Promise<UserMailSettings> {
  const user = await requireUser(write.address);
  const { address: _address, ...settings } = write;
  const setting: UserSelfService = settings;
  for (const own of [user.mail, ...user.mailLocalAddress]) {
    const problem = selfServiceProblem(own, setting);
    if (!problem) continue;
    if (/loop/.test(problem)) throw new AdminRefusal(refusal('forwardLoop', 'forwardTo', problem));
    if (/twice/.test(problem)) throw new AdminRefusal(refusal('forwardTwice', 'forwardTo', problem));
    if (/end after/.test(problem))
      throw new AdminRefusal(refusal('vacationDates', 'vacation.endsAt', problem));
    throw new AdminRefusal(refusal('vacationText', 'vacation.body', problem));
  }
  return userMailSettings(await directory.setUserSelfService(user.mail, setting));
}

/** A refused forwarding address gets its own words rather than the general "input is not valid". */
export function withAddressWords<T>(result: DirectoryAdminResult<T>): DirectoryAdminResult<T> {
  if (result.ok || result.error.code !== 'invalid-input' || !result.error.field?.startsWith('forwardTo.'))
    return result;
  return { ok: false, error: refusal('badAddress', result.error.field, result.error.detail ?? '') };
}
