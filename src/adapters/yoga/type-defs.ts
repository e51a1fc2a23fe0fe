import { readFileSync } from 'node:fs';

/**
 * The GraphQL face of sessions: `schema/session.graphql` (exported as
 * `tessera/schema.graphql` for codegen and gql.tada), read once when this module loads, so
 * the served schema and the one clients are typed from are the same file.
 *
 * @example
 * ```ts
 * import { createSchema } from 'graphql-yoga';
 * import { createSessionResolvers, sessionTypeDefs } from 'tessera/yoga';
 *
 * const schema = createSchema({
 *   typeDefs: [sessionTypeDefs, 'type Query { hello: String! }'],
 *   resolvers: [createSessionResolvers({ authenticate: () => null }), { Query: { hello: () => 'world' } }],
 * });
 * ```
 */
export const sessionTypeDefs: string = readFileSync(new URL('../../../schema/session.graphql', import.meta.url), 'utf8');
