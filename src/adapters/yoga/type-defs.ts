/**
 * The GraphQL face of sessions: the exact text of `schema/session.graphql` (exported as
 * `tessera/schema.graphql` for codegen and gql.tada). A test keeps the two identical, so
 * the app needs no file read at run time.
 *
 * @example
 * ```ts
 * import { createSchema } from 'graphql-yoga';
 * import { createSessionResolvers, sessionTypeDefs } from 'tessera/yoga';
 *
 * const schema = createSchema({
 *   typeDefs: [sessionTypeDefs, appTypeDefs],
 *   resolvers: [createSessionResolvers({ authenticate }), appResolvers],
 * });
 * ```
 */
export const sessionTypeDefs: string = /* GraphQL */ `"""
An instant as an ISO 8601 string in UTC, e.g. "2026-01-01T00:00:00.000Z".
"""
scalar DateTime

"""
What a client may see of its own session. It never carries a token, a secret, a
hash or the session's data.
"""
type SessionInfo {
  """
  The public session handle (safe to show and to revoke by); null until the session is stored.
  """
  id: ID
  """
  The signed-in user; null when anonymous.
  """
  userId: ID
  """
  When the user last signed in; null when anonymous.
  """
  authenticatedAt: DateTime
  """
  When the session ends if unused; null until the session is stored.
  """
  expiresAt: DateTime
}

"""
One of the signed-in user's sessions (a device), for "where am I signed in".
"""
type SessionSummary {
  id: ID!
  """
  True for the session of this request.
  """
  current: Boolean!
  createdAt: DateTime!
  lastSeenAt: DateTime!
  userAgent: String
}

input LoginInput {
  username: String!
  password: String!
}

type Query {
  """
  This request's session (fields are null when anonymous).
  """
  session: SessionInfo!
  """
  The signed-in user's live sessions, most recently used first. UNAUTHENTICATED when anonymous.
  """
  mySessions: [SessionSummary!]!
}

type Mutation {
  """
  Signs in: a new session secret always; an anonymous session keeps its data.
  Bad credentials are an UNAUTHENTICATED error.
  """
  login(input: LoginInput!): SessionInfo!
  """
  Ends this session on the server and clears its cookie.
  """
  logout: Boolean!
  """
  Issues a new session secret; the old one keeps working briefly for requests in flight.
  """
  rotateSession: SessionInfo!
  """
  Ends one of the signed-in user's sessions; false (and nothing done) for an id that is not theirs.
  """
  revokeSession(id: ID!): Boolean!
  """
  Ends every other session of the signed-in user; returns how many were ended.
  """
  revokeOtherSessions: Int!
}
`;
