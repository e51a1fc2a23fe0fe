import { createApp } from './app.js';
import { readEnvironment } from './environment.js';
import { DEMO_USERS } from './users.js';

/** `npm start`: the example app on the embedded SQLite default, configured from the environment. */
async function main(): Promise<void> {
  const environment = readEnvironment();
  const databaseUrl = process.env['DATABASE_URL'];
  const app = await createApp({
    secrets: environment.secrets,
    dataDir: environment.dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    port: environment.port,
    host: environment.host,
    trustProxy: environment.trustProxy,
  });
  console.log(`tessera example app on ${app.url}  (tRPC ${app.url}/trpc, GraphQL ${app.url}/graphql, database ${app.database})`);
  console.log(`demo logins: ${DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(', ')}`);
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
