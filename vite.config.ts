import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// BASE_PATH lets dist/ be served from a sub-path (GitHub Pages: BASE_PATH=/parakv/).
export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [react()],
  worker: { format: 'es' },
});
