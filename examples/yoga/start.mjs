// Runs examples/yoga/server.ts on Node 20 (which cannot run TypeScript itself): esbuild
// strips the types into .data/ (inside the package, so `tessera/*` self-references resolve
// to dist/ — run `npm run build` first) and the result is imported.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outfile = `${root}.data/build/yoga-server.mjs`;
await build({
  entryPoints: [fileURLToPath(new URL('./server.ts', import.meta.url))],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
process.argv[1] = outfile;
await import(pathToFileURL(outfile).href);
