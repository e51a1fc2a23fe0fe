import { readEnvironment } from './environment.js';
import { startServer } from './server.js';
import { DEMO_USERS } from './users.js';

/** `npm start`: the example app, on the embedded SQLite default or the backend the environment names. */
async function main(): Promise<void> {
  const app = await startServer(readEnvironment());
  console.log(`tessera example app on ${app.url}  (tRPC ${app.url}/trpc, GraphQL ${app.url}/graphql, database ${app.database}, sessions ${app.sessionStore})`);
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
