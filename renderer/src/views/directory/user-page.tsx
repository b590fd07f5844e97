/** The open user: facts, then changing details, the password, and deleting; or the add form. */
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { ErrorInWords } from './error-in-words';
import { MailSettingsForm } from './mail-settings-form';
import { PasswordResetForm } from './password-reset-form';
import { UserAddForm } from './user-add-form';
import { UserDeleteForm } from './user-delete-form';
import { UserEditForm } from './user-edit-form';
import { UserFacts } from './user-facts';

/** The right-hand side of the users tab. */
export function UserPagePanel() {
  const tr = useTranslator();
  const { openAddress, adding, page, pageError, usage, usageError, notice } = useDirectoryStore(
    useShallow((s) => ({
      openAddress: s.openAddress,
      adding: s.adding,
      page: s.page,
      pageError: s.pageError,
      usage: s.usage,
      usageError: s.usageError,
      notice: s.notice,
    })),
  );
  const noticeLine = notice && (
    <p className="dir-notice" role="status">
      {tr.t(`dir.notice.${notice.kind}`, { address: notice.address })}
    </p>
  );
  if (adding) return <UserAddForm />;
  if (!openAddress) {
    return (
      <div className="dir-page dir-page-empty">
        {noticeLine}
        <p>{tr.t('dir.pick')}</p>
      </div>
    );
  }
  if (!page) {
    return (
      <div className="dir-page">
        {pageError ? <ErrorInWords error={pageError} /> : <p role="status">{tr.t('dir.row.loading')}</p>}
      </div>
    );
  }
  return (
    <article className="dir-page" aria-labelledby="dir-page-title" data-address={page.mail}>
      <h3 id="dir-page-title" className="dir-page-title">
        {page.displayName} <span className="dir-page-address">{page.mail}</span>
      </h3>
      {noticeLine}
      <UserFacts page={page} usage={usage} usageError={usageError} />
      {/* Keyed by the entry as read: a saved edit or another user starts the forms afresh. */}
      <UserEditForm key={JSON.stringify(page)} page={page} />
      <PasswordResetForm key={`pw-${page.mail}`} address={page.mail} />
      <MailSettingsForm key={`mail-${page.mail}`} address={page.mail} />
      <UserDeleteForm key={`del-${page.mail}`} address={page.mail} />
    </article>
  );
}
