import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('README', () => {
  const readme = read('README.md');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);

  it.each(['examples/quickstart/trpc.ts', 'examples/quickstart/yoga.ts'])('shows %s exactly as the type-checked file', (path) => {
    expect(blocks).toContain(read(path));
  });

  it('names the two commands and the test command CI runs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });

  it('quick starts are at most about 20 lines each', () => {
    for (const path of ['examples/quickstart/trpc.ts', 'examples/quickstart/yoga.ts']) expect(read(path).trim().split('\n').length).toBeLessThanOrEqual(25);
  });
});
