import type { NodeResponseLike } from '../../index.js';

/** The slice of Node's `ServerResponse` the head hook needs (Express's `res`, Fastify's `reply.raw`). */
export interface NodeServerResponse extends NodeResponseLike {
  writeHead(statusCode: number, ...rest: never[]): unknown;
  readonly headersSent: boolean;
}

type HeaderValue = number | string | readonly string[];

/**
 * A header view over `res` and the headers object passed to `writeHead` (Fastify passes its
 * whole header map there, and `writeHead`'s argument wins over `res.setHeader` on a clash).
 */
function headView(res: NodeServerResponse, passed: unknown): NodeResponseLike {
  if (typeof passed !== 'object' || passed === null || Array.isArray(passed)) return res;
  const headers = passed as Record<string, HeaderValue | undefined>;
  const keyOf = (name: string): string | undefined => Object.keys(headers).find((key) => key.toLowerCase() === name);
  return {
    getHeader(name) {
      const key = keyOf(name);
      return key === undefined ? res.getHeader(name) : headers[key];
    },
    setHeader(name, value) {
      const key = keyOf(name);
      if (key === undefined) res.setHeader(name, value);
      else headers[key] = value;
    },
  };
}

/**
 * Calls `listener` once, right before the response head is written, with a view that writes
 * into that head. tRPC's Node adapters copy the tRPC response headers onto `res` with
 * `setHeader` after the procedures ran (overwriting a `Vary` written earlier, and the whole
 * `Set-Cookie` list when `responseMeta` sets one); Fastify re-sets them on the reply. The
 * last moment before the head is the only place where an added header reliably survives:
 * the technique of `on-headers`, which express-session uses for the same reason.
 * Every head goes through `writeHead` (an implicit head calls it too).
 */
export function beforeHead(res: NodeServerResponse, listener: (target: NodeResponseLike) => void): void {
  const original = res.writeHead;
  let fired = false;
  res.writeHead = function (this: NodeServerResponse, statusCode: number, ...rest: never[]): unknown {
    if (!fired) {
      fired = true;
      listener(headView(res, typeof rest[0] === 'string' ? rest[1] : rest[0]));
    }
    return original.call(this, statusCode, ...rest);
  };
}
