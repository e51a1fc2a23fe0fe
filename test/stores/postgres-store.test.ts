import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe } from 'vitest';
import { postgresOrSkip } from '../helpers/services.js';
import { describeKyselyBackend } from './kysely-backend.js';

const service = await postgresOrSkip();

describe.skipIf(service === null)('PostgreSQL', () => {
  describeKyselyBackend('pg', () => new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: service?.url, max: 5 }) }) }));
});
