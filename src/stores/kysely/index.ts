export { kyselyStore } from './kysely-store.js';
export type { KyselyStoreOptions } from './kysely-store.js';
export { migrateSessions } from './migrate-sessions.js';
export type { MigrateSessionsOptions, MigrateSessionsResult } from './migrate-sessions.js';
export { DEFAULT_MIGRATIONS_TABLE, DEFAULT_SESSION_TABLE } from './session-table.js';
export type { SessionTableRow, SessionTables } from './session-table.js';
export { SESSION_COLUMNS } from './session-queries.js';
export { sessionRowValues } from './row-mapping.js';
