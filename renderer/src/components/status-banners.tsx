/** Banners for what is wrong with the console itself: link lost, directory down, a failed action. */
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../i18n/use-translator';
import { useFleetStore } from '../store/fleet/fleet-store';
import { useUiStore } from '../store/ui/ui-store';

/** Shown above the view; empty when all is well. */
export function StatusBanners() {
  const tr = useTranslator();
  const { link, actionError } = useUiStore(useShallow((s) => ({ link: s.link, actionError: s.actionError })));
  const directory = useFleetStore((s) => s.snapshot?.directory);
  const snapshotAt = useFleetStore((s) => s.snapshot?.at);
  return (
    <div className="banners" aria-live="polite">
      {link === 'closed' && (
        <p className="banner banner-error" role="alert">
          {tr.t('link.closed', { time: snapshotAt === undefined ? '—' : tr.time(snapshotAt) })}
        </p>
      )}
      {directory && !directory.reachable && (
        <p className="banner banner-warning">
          {tr.t('directory.unreachable', { error: directory.error ?? '' })}
        </p>
      )}
      {actionError && (
        <p className="banner banner-error" role="alert">
          {actionError}
        </p>
      )}
    </div>
  );
}
