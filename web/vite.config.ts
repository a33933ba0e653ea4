import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The partner console: built to web/dist, which the Seatwise server serves at `/` (src/http/console.ts).
// `npm run dev:web` serves it with reload and sends API calls to a Seatwise on port 3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // The libraries in chunks of their own (React and the router, react-intl, Chart.js, the rest), so that no
  // chunk passes Vite's 500 kB warning and a new console build leaves the browser's cached libraries valid.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: 'intl', test: /node_modules[\\/](react-intl|@formatjs|intl-messageformat)[\\/]/ },
            { name: 'charts', test: /node_modules[\\/](chart\.js|react-chartjs-2|@kurkle)[\\/]/ },
            { name: 'libs', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/docs', '/healthz'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
