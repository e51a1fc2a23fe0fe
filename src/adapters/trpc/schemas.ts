import type { StandardSchemaV1 } from '@standard-schema/spec';

/** What the default `login` input accepts. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

type Issue = StandardSchemaV1.Issue;

function boundedString(value: unknown, name: string, max: number, issues: Issue[]): value is string {
  if (typeof value === 'string' && value.length > 0 && value.length <= max) return true;
  issues.push({ message: `${name} must be a string of 1 to ${max} characters`, path: [name] });
  return false;
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * The default `login` input: `{ username, password }`, as a dependency-free Standard Schema
 * (tRPC accepts any). The password is capped at 1024 characters so a huge one cannot make a
 * slow password hash a denial-of-service lever (OWASP Password Storage cheat sheet).
 *
 * @example
 * ```ts
 * const result = await credentialsSchema['~standard'].validate({ username: 'ada', password: 'pw' });
 * ```
 */
export const credentialsSchema: StandardSchemaV1<Credentials> = {
  '~standard': {
    version: 1,
    vendor: 'tessera',
    validate(value) {
      const input = objectOf(value);
      if (input === null) return { issues: [{ message: 'expected { username, password }' }] };
      const issues: Issue[] = [];
      const { username, password } = input;
      if (boundedString(username, 'username', 256, issues) && boundedString(password, 'password', 1024, issues)) return { value: { username, password } };
      boundedString(password, 'password', 1024, issues);
      return { issues };
    },
  },
};

/**
 * The `revoke` input: a public session id (what `list` returns), never a token.
 *
 * @example
 * ```ts
 * await sessionIdSchema['~standard'].validate({ id: 'V1StGXR8_Z5jdHi6B-myT' });
 * ```
 */
export const sessionIdSchema: StandardSchemaV1<{ readonly id: string }> = {
  '~standard': {
    version: 1,
    vendor: 'tessera',
    validate(value) {
      const input = objectOf(value);
      const issues: Issue[] = [];
      if (input !== null && boundedString(input.id, 'id', 128, issues)) return { value: { id: input.id } };
      return { issues: issues.length > 0 ? issues : [{ message: 'expected { id }' }] };
    },
  },
};
