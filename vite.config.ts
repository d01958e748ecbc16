import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import mantinePreset from 'postcss-preset-mantine';

const API = process.env.HAMRAH_API ?? 'http://localhost:8080';

// The web app lives in web/; the Fastify server serves web/dist in production.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  css: { postcss: { plugins: [mantinePreset()] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // MapLibre (~1 MB) is imported only by the lazy map chunk.
    chunkSizeWarningLimit: 1100,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/healthz': API,
      '/readyz': API,
    },
  },
});
