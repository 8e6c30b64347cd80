import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';

// The console is static assets the gateway serves at `/`, on the API's origin, so in production
// there is no proxy and no CORS. In development (`npx vite --config apps/dashboard/vite.config.ts`)
// the dev server forwards the API to a running gateway: ACD_DASHBOARD_API, default port 3000.
const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/dashboard', import.meta.url));
const api = process.env.ACD_DASHBOARD_API ?? 'http://127.0.0.1:3000';

const config: UserConfig = {
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/v1': { target: api },
      '/taxii2': { target: api },
      '/health': { target: api },
    },
  },
  preview: { host: '127.0.0.1' },
};

export default config;
