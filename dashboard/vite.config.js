import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// Served at "/" by the query role, which falls back to index.html for client-side routes,
// so asset URLs are absolute from the root.
export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run mock` answers the API while `npm run dev` serves the sources.
    proxy: { '/api': 'http://127.0.0.1:5174', '/tracker.js': 'http://127.0.0.1:5174' },
  },
  test: {
    // Pure logic runs in node; component tests opt into jsdom with a file comment.
    environment: 'node',
    include: ['test/**/*.test.{js,jsx}'],
  },
});
