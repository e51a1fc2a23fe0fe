export { DEFAULT_SQLITE_PATH, sqliteStore } from './sqlite-store.js';
export type { SqliteStore, SqliteStoreOptions } from './sqlite-store.js';
export { cacheStatements } from './statement-cache.js';
export type { StatementCacheOptions } from './statement-cache.js';
