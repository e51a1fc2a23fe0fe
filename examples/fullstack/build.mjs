// Builds the example app for Node 20 (which cannot run TypeScript): the server into
// examples/fullstack/.build/ and the web page into examples/fullstack/public/build/.
// esbuild only strips types and bundles; `npm test` type-checks the same sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the server entry and the page; resolves the server bundle's path. */
export async function buildExample() {
  const server = here('./.build/start.mjs');
  await Promise.all([
    build({
      entryPoints: [here('./src/start.ts')],
      outfile: server,
      bundle: true,
      // The app's dependencies, tessera included (a self-reference to dist/), load from node_modules.
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    }),
    build({
      entryPoints: [here('./web/main.ts')],
      outfile: here('./public/build/app.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      sourcemap: true,
      logLevel: 'warning',
    }),
  ]);
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildExample();
