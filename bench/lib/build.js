// Builds the library for the bench: src/ bundled per public entry point with esbuild into
// bench/.tmp/lib/ (ES2022 like tsc's target, shared chunks so every entry sees one core).
// esbuild strips types without checking them, so the bench measures the working tree even
// while another part of src/ does not type-check; `npm run build` stays the release build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const libDir = fileURLToPath(new URL('../.tmp/lib/', import.meta.url));

const entries = {
  index: 'src/index.ts',
  sqlite: 'src/stores/sqlite/index.ts',
  kysely: 'src/stores/kysely/index.ts',
  trpc: 'src/adapters/trpc/index.ts',
  yoga: 'src/adapters/yoga/index.ts',
};

/** Bundles the entries that exist; returns the names built. */
export async function buildLib() {
  const present = Object.fromEntries(
    Object.entries(entries)
      .filter(([, path]) => existsSync(root + path))
      .map(([name, path]) => [name, root + path]),
  );
  await build({
    entryPoints: present,
    outdir: libDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    packages: 'external',
    sourcemap: false,
    logLevel: 'error',
  });
  return Object.keys(present);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log('built', (await buildLib()).join(', '));
