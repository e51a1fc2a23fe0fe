/**
 * A session lifecycle event, for audit trails and alerting. Events carry the public
 * session id and user id, never a token, a secret or a secret hash.
 */
export type SessionEvent =
  | { readonly type: 'created'; readonly sessionId: string; readonly userId: string | null; readonly at: Date }
  | { readonly type: 'authenticated'; readonly sessionId: string; readonly userId: string; readonly at: Date }
  | { readonly type: 'rotated'; readonly sessionId: string; readonly userId: string | null; readonly at: Date }
  | {
      readonly type: 'revoked';
      readonly sessionId: string;
      readonly userId: string | null;
      readonly reason: 'logout' | 'revoke' | 'revoke-user' | 'flush' | 'user-changed' | 'credentials-changed' | 'evicted';
      readonly at: Date;
    }
  | { readonly type: 'expired'; readonly sessionId: string; readonly userId: string | null; readonly at: Date }
  | { readonly type: 'suspicious'; readonly sessionId: string | null; readonly reason: 'wrong-secret' | 'ambiguous-cookie' | 'tampered-data' | 'invalid-data'; readonly at: Date }
  /** A rate-limited attempt not limited, for want of a client address (pass `clientAddress` to `sessions.open()` on runtimes whose requests carry none). */
  | { readonly type: 'unlimited'; readonly kind: 'create' | 'invalid-token'; readonly reason: 'no-client-address'; readonly at: Date };
