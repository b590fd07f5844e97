/**
 * A user's mail settings (forwarding, vacation reply, spam handling) for the user page's "Mail
 * settings" section: read and written with `directory.userMailSettings` / `setUserMailSettings`.
 * A refusal of the directory comes back in its words; a failed call as the console's category.
 */
import type {
  DirectoryAdminResult,
  UserMailSettings,
  UserMailSettingsWrite,
} from '../../../main/console/console-contract';
import type { DirectoryViewError } from '../store/shown-error';
import { ConsoleLinkLost } from './console-error';
import { consoleApi } from './console-services';
import { shownErrorOf } from './shown-error';

/** The settings as read or saved, or why not. */
export type MailSettingsAnswer =
  | { ok: true; settings: UserMailSettings }
  | { ok: false; error: DirectoryViewError };

async function answerOf(
  call: (() => Promise<DirectoryAdminResult<UserMailSettings>>) | undefined,
): Promise<MailSettingsAnswer> {
  if (!call) return { ok: false, error: shownErrorOf(new ConsoleLinkLost()) };
  try {
    const result = await call();
    if (result.ok) return { ok: true, settings: result.value };
    return { ok: false, error: { kind: 'directory', ...result.error } };
  } catch (error) {
    return { ok: false, error: shownErrorOf(error) };
  }
}

/** A user's settings, read fresh from the directory. */
export function loadMailSettings(address: string): Promise<MailSettingsAnswer> {
  const api = consoleApi();
  return answerOf(api && (() => api.directory.userMailSettings({ address })));
}

/** Writes all of a user's settings; the answer holds them as the directory now has them. */
export function saveMailSettings(write: UserMailSettingsWrite): Promise<MailSettingsAnswer> {
  const api = consoleApi();
  return answerOf(api && (() => api.directory.setUserMailSettings(write)));
}
