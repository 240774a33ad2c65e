/** Top bar: brand, what is being planned, Copy link, saved scenarios, theme. */
import { useState } from 'react';
import { sharedToLink } from '../../core/share/scenario-link.ts';
import { sharedOf } from '../../state/url-sync.ts';
import { useActions, useApp, useAppStore } from '../../state/react.tsx';
import { copyText } from '../download.ts';
import { BrandMark, IconBookmark, IconCheck, IconLink, IconMoon, IconSun } from '../icons.tsx';
import { resolveModelSpec } from '../inputs/ModelEditor.tsx';
import { getGpu } from '../../core/hardware/gpus.ts';

function useEffectiveDark(): boolean {
  const theme = useApp((s) => s.view.theme);
  if (theme !== 'system') return theme === 'dark';
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-color-scheme: dark)').matches === true;
}

export function Header() {
  const model = useApp((s) => s.scenario.model);
  const cluster = useApp((s) => s.scenario.cluster);
  const workload = useApp((s) => s.scenario.workload);
  const savedOpen = useApp((s) => s.view.savedOpen);
  const { setTheme, setSavedOpen, setToast } = useActions();
  const dark = useEffectiveDark();
  const [copied, setCopied] = useState(false);
  const store = useAppStore();
  const spec = resolveModelSpec(model);
  const gpu = getGpu(cluster.gpu);
  const a = workload.arrival;
  const traffic =
    a.kind === 'poisson' || a.kind === 'gamma'
      ? `${a.ratePerSec} req/s`
      : a.kind === 'concurrency'
        ? `${a.users} users`
        : `${workload.requests} requests offline`;

  const copyLink = async () => {
    // The latest scenario, search options and table at click time, not a render-time snapshot.
    const frag = await sharedToLink(sharedOf(store.getState()));
    const url = `${window.location.origin}${window.location.pathname}${window.location.search}#${frag}`;
    const ok = await copyText(url);
    if (ok) {
      setCopied(true);
      setTimeout(() => setCopied(false), 1800);
    } else
      setToast(
        'The browser refused clipboard access: copy the link from the address bar, it always holds the current scenario.',
      );
  };

  return (
    <header className="topbar">
      <div className="brand">
        <BrandMark />
        ParaKV <span className="brand__tag">LLM serving planner</span>
      </div>
      <div className="topbar__summary" aria-live="polite">
        <strong>{spec.ok ? spec.spec.name : 'Custom model'}</strong> on{' '}
        <strong>
          {cluster.nodes} × {cluster.gpusPerNode}{' '}
          {gpu?.name.replace(/^NVIDIA |^AMD |^Intel |^Google /, '') ?? cluster.gpu}
        </strong>{' '}
        · {workload.inputTokens.toLocaleString('en-US')} → {workload.outputTokens.toLocaleString('en-US')} tokens at{' '}
        {traffic}
      </div>
      <div className="topbar__actions">
        <button
          type="button"
          className="btn"
          onClick={() => void copyLink()}
          data-testid="copy-link"
          title="Copy a link that opens exactly this scenario, search settings and selected plan"
        >
          {copied ? <IconCheck /> : <IconLink />} {copied ? 'Copied' : 'Copy link'}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => setSavedOpen(!savedOpen)}
          aria-expanded={savedOpen}
          aria-controls="saved-panel"
          data-testid="open-saved"
        >
          <IconBookmark /> Saved
        </button>
        <button
          type="button"
          className="btn btn--icon"
          onClick={() => setTheme(dark ? 'light' : 'dark')}
          aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}
          title={dark ? 'Light theme' : 'Dark theme'}
          data-testid="theme-toggle"
        >
          {dark ? <IconSun /> : <IconMoon />}
        </button>
      </div>
    </header>
  );
}
