import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** RFC 3339 §5.6 date-time with an explicit offset, as `Date.prototype.toISOString` writes it (and a little more). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) throw new GraphQLError('DateTime must be an ISO 8601 string with an offset, e.g. "2026-01-01T00:00:00.000Z"');
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime is not a valid instant');
  return date;
}

/**
 * The `DateTime` scalar of `schema/session.graphql`: a `Date` on the server, an ISO 8601
 * string in UTC on the wire (`toISOString()`), so clients need no custom parsing.
 *
 * @example
 * ```ts
 * import { DateTimeScalar } from 'tessera/yoga';
 * DateTimeScalar.serialize(new Date(0)); // '1970-01-01T00:00:00.000Z'
 * ```
 */
export const DateTimeScalar: GraphQLScalarType<Date, string> = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO 8601 string in UTC, e.g. "2026-01-01T00:00:00.000Z".',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent a value that is not a valid Date');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string literal', { nodes: ast });
    return parse(ast.value);
  },
});
