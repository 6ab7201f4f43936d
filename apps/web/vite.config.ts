import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { bundleBudget } from './scripts/bundle-budget.ts';

/** The API paths the service worker must never answer with the app shell. */
const API_PATHS = [/^\/v1\//, /^\/healthz$/, /^\/metrics$/, /^\/readyz$/];

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      // An external registerSW.js: the Content-Security-Policy allows no inline script.
      injectRegister: 'script-defer',
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Crux climbing coach',
        short_name: 'Crux',
        description: 'Log the climbs that matter; an AI coach finds the patterns.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f7f6f3',
        theme_color: '#2f5d50',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: API_PATHS,
      },
    }),
    bundleBudget({ budgetKb: 250 }),
  ],
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
  // `npm run dev -w apps/web`: the API of a `crux serve` or `npm run demo` on the default port.
  server: { proxy: { '/v1': 'http://127.0.0.1:8787', '/healthz': 'http://127.0.0.1:8787' } },
});
