/**
 * The app shell: top bar, banner, Inputs (left) | Results + Plan detail (centre), the saved-scenarios
 * drawer, toasts and the PWA update prompt.
 */
import { Banner, Toast } from './shell/Banner.tsx';
import { Header } from './shell/Header.tsx';
import { SavedPanel } from './shell/SavedPanel.tsx';
import { ThemeSync } from './shell/ThemeSync.tsx';
import { UpdatePrompt } from './shell/UpdatePrompt.tsx';
import { InputsPanel } from './inputs/InputsPanel.tsx';
import { ResultsPanel } from './results/ResultsPanel.tsx';
import { ComparePanel } from './results/ComparePanel.tsx';
import { PlanDetail } from './detail/PlanDetail.tsx';
import './styles/app.css';

export function App({ pwa = true }: { pwa?: boolean }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to results
      </a>
      <ThemeSync />
      <Header />
      <Banner />
      <div className="workspace">
        <InputsPanel />
        <main className="center" id="main" tabIndex={-1}>
          <ResultsPanel />
          <ComparePanel />
          <PlanDetail />
        </main>
      </div>
      <SavedPanel />
      <Toast />
      {pwa && <UpdatePrompt />}
    </div>
  );
}
