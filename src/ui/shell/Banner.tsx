/** App-level banner (bad link, storage failure, unreadable last session) and the transient toast. */
import { useEffect } from 'react';
import { useActions, useApp } from '../../state/react.tsx';
import { IconAlert, IconX } from '../icons.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

export function Banner() {
  const banner = useApp((s) => s.banner);
  const { setBanner } = useActions();
  if (!banner) return null;
  const title =
    banner.kind === 'link-error'
      ? 'Bad link'
      : banner.kind === 'storage-error'
        ? 'Not saved in this browser'
        : banner.kind === 'session-error'
          ? 'Session not restored'
          : 'Note';
  return (
    <div
      className={`banner${banner.kind === 'info' ? ' banner--info' : ''}`}
      role="alert"
      data-testid="link-banner"
      data-kind={banner.kind}
    >
      <IconAlert />
      <div className="banner__text">
        <strong>{title}.</strong> {humanizeFieldError(banner.message)}
      </div>
      <button
        type="button"
        className="btn btn--sm btn--ghost btn--icon"
        aria-label="Dismiss"
        onClick={() => setBanner(null)}
      >
        <IconX />
      </button>
    </div>
  );
}

export function Toast() {
  const toast = useApp((s) => s.view.toast);
  const { setToast } = useActions();
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), 6000);
    return () => clearTimeout(t);
  }, [toast, setToast]);
  if (!toast) return null;
  return (
    <div className="toast" role="status" data-testid="toast">
      <span>{toast}</span>
      <button type="button" className="btn btn--sm btn--icon" aria-label="Dismiss" onClick={() => setToast(null)}>
        <IconX />
      </button>
    </div>
  );
}
