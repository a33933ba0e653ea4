import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The partner console: built to web/dist, which the Seatwise server serves at `/` (src/http/console.ts).
// `npm run dev:web` serves it with reload and sends API calls to a Seatwise on port 3000.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // One bundle of about 450 kB (135 kB gzipped), most of it React and react-intl: below the limit we set.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/docs', '/healthz'].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
