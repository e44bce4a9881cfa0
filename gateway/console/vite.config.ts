import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the hub under /console (gateway/src/console/console.ts): every URL the build writes starts there.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The hub's CSP allows scripts from its own origin only: no inline module preload helper.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
