/** Mirrors the theme choice onto <html data-theme> (charts and app styles both follow it). */
import { useEffect } from 'react';
import { useApp } from '../../state/react.tsx';

export function ThemeSync() {
  const theme = useApp((s) => s.view.theme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
  return null;
}
