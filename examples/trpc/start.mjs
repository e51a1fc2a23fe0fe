// Runs examples/trpc/server.ts (or client.ts: `node examples/trpc/start.mjs client`) on Node 20,
// which cannot run TypeScript itself: esbuild strips the types into .data/ (inside the
// package, so `tessera/*` self-references resolve to dist/ — run `npm run build` first).
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const which = process.argv[2] === 'client' ? 'client' : 'server';
const root = fileURLToPath(new URL('../../', import.meta.url));
const outfile = `${root}.data/build/trpc-${which}.mjs`;
await build({
  entryPoints: [fileURLToPath(new URL(`./${which}.ts`, import.meta.url))],
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
