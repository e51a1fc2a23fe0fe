export { kyselyStore } from './kysely-store.js';
export type { KyselyStoreOptions } from './kysely-store.js';
export { migrateSessions } from './migrate-sessions.js';
export type { MigrateSessionsOptions, MigrateSessionsResult } from './migrate-sessions.js';
export type { SessionTableRow, SessionTables } from './session-table.js';
