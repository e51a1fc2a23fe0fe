import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

it('testStore runs under node:test with node:assert (no vitest involved)', () => {
  if (!existsSync(`${repo}dist/testing/index.js`)) throw new Error('dist/testing is missing: run `npm run build` first');
  const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'test/stores/node-runner/memory-store.mjs'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/# pass 30\n/);
  expect(result.stdout).toMatch(/# fail 0\n/);
  expect(result.status).toBe(0);
});
