export { useSessions } from './plugin.js';
export type { SessionContext, SessionResolverContext } from './context.js';
export { createSessionResolvers } from './resolvers.js';
export type { LoginInput, SessionResolvers, SessionResolversOptions } from './resolvers.js';
export { sessionTypeDefs } from './type-defs.js';
export { DateTimeScalar } from './date-time.js';
export { toGraphQLError } from './errors.js';
export { sessionCors } from './cors.js';
export type { SessionCorsOptions } from './cors.js';
