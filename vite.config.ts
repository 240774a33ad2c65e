import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';

// Offline PWA: the service worker precaches the app shell, the worker chunk and the icons, so the
// app, the search and shared links (the hash never reaches a server) work with the network off.
const pwaOptions = {
  registerType: 'prompt',
  injectRegister: false, // registered from the app (src/ui/shell/UpdatePrompt) so it can prompt for updates
  manifest: {
    name: 'ParaKV — LLM serving planner',
    short_name: 'ParaKV',
    description: 'Plan LLM serving parallelism and KV-cache strategy on GPU clusters, offline.',
    start_url: '.',
    scope: '.',
    display: 'standalone',
    background_color: '#0b1020',
    theme_color: '#111827',
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,woff2,json,webmanifest}'],
    cleanupOutdatedCaches: true,
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  },
} satisfies Partial<VitePWAOptions>;

// BASE_PATH lets dist/ be served from a sub-path (GitHub Pages: BASE_PATH=/parakv/ npm run build).
export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [react(), VitePWA(pwaOptions)],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
