import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { createSchema } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { sessionTypeDefs } from 'tessera/yoga';
import { appTypeDefs } from '../../examples/fullstack/src/graphql.js';

const root = new URL('../../', import.meta.url);
// graphql-yoga and tessera/yoga run on graphql's CommonJS build under Node; printing their
// schema with the ESM build vitest would resolve fails graphql's one-realm check.
const { printSchema } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

describe("the example app's GraphQL schema files", () => {
  it('examples/fullstack/schema.graphql is the schema the server serves (update: npx vitest run test/app/schema.test.ts -u)', async () => {
    const served = printSchema(createSchema({ typeDefs: [sessionTypeDefs, appTypeDefs] }));
    await expect(`${served}\n`).toMatchFileSnapshot('../../examples/fullstack/schema.graphql');
  });

  it('examples/fullstack/web/graphql-env.d.ts is what gql.tada generates from it (regenerate: npx gql.tada generate-output --tsconfig examples/fullstack/web/tsconfig.json)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-app-tada-'));
    try {
      const output = join(dir, 'graphql-env.d.ts');
      await writeFile(output, '');
      const cli = new URL('node_modules/gql.tada/bin/cli.js', root).pathname;
      await promisify(execFile)(process.execPath, [cli, 'generate-output', '--tsconfig', 'examples/fullstack/web/tsconfig.json', '--output', output], { cwd: root.pathname });
      const committed = await readFile(new URL('examples/fullstack/web/graphql-env.d.ts', root), 'utf8');
      expect(await readFile(output, 'utf8')).toBe(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
