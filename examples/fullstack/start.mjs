// `npm start`: build the example app, then run it (PORT, HOST, DATA_DIR, SESSION_SECRET, TRUST_PROXY, DATABASE_URL, REDIS_URL, REDIS_PREFIX, SESSION_STORE, PGAPPNAME).
import { pathToFileURL } from 'node:url';
import { buildExample } from './build.mjs';

const server = await buildExample();
await import(pathToFileURL(server).href);
