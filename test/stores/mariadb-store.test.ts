import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import { describe } from 'vitest';
import { mariadbOrSkip } from '../helpers/services.js';
import { describeKyselyBackend } from './kysely-backend.js';

const service = await mariadbOrSkip();

describe.skipIf(service === null)('MariaDB', () => {
  describeKyselyBackend('maria', () => new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createPool({ uri: service?.url ?? '', connectionLimit: 5 }) }) }));
});
