/**
 * Service worker registration (vite-plugin-pwa, `registerType: 'prompt'`): says when the app is
 * ready offline, and offers a reload when a new version is waiting. Nothing reloads by itself.
 */
import { useEffect } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';

export function UpdatePrompt() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisterError: () => {
      // No service worker (e.g. a plain-http preview or a blocked context): the app works online as usual.
    },
  });
  // "Ready offline" is news once; it leaves by itself. An update waits for the person.
  useEffect(() => {
    if (!offlineReady || needRefresh) return;
    const t = setTimeout(() => setOfflineReady(false), 5000);
    return () => clearTimeout(t);
  }, [offlineReady, needRefresh, setOfflineReady]);
  if (!needRefresh && !offlineReady) return null;
  return (
    <div className="toast" role="status" data-testid="update-prompt">
      <span>{needRefresh ? 'A new version of ParaKV is available.' : 'ParaKV is ready to work offline.'}</span>
      {needRefresh && (
        <button type="button" className="btn btn--sm btn--primary" onClick={() => void updateServiceWorker(true)}>
          Reload
        </button>
      )}
      <button
        type="button"
        className="btn btn--sm"
        onClick={() => {
          setNeedRefresh(false);
          setOfflineReady(false);
        }}
      >
        Dismiss
      </button>
    </div>
  );
}
