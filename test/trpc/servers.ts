import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyTRPCRouter } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import express from 'express';
import Fastify from 'fastify';
import type { SessionContextOptions } from '../../src/adapters/trpc/index.js';

export type AdapterKind = 'fetch' | 'standalone' | 'express' | 'fastify';
export const ADAPTERS: readonly AdapterKind[] = ['fetch', 'standalone', 'express', 'fastify'];

export interface Running {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:1234/trpc`. */
  readonly url: string;
  readonly origin: string;
  close(): Promise<void>;
}

type CreateContext = (opts: SessionContextOptions) => object;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** node:http → WHATWG Request → `fetchRequestHandler` → Response, as an edge runtime or Next.js would run it. */
async function bridge(req: IncomingMessage, res: ServerResponse, handle: (request: Request) => Promise<Response>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const request = new Request(`http://${req.headers.host}${req.url}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }) });
  const response = await handle(request);
  const plain: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') plain[name] = value;
  });
  res.writeHead(response.status, { ...plain, 'set-cookie': response.headers.getSetCookie() });
  if (response.body) {
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) res.write(chunk.value);
  }
  res.end();
}

/** Starts the router on a real HTTP server on 127.0.0.1 with the chosen tRPC adapter. */
export async function startServer(kind: AdapterKind, router: AnyTRPCRouter, createContext: CreateContext, handler: { allowMethodOverride?: boolean } = {}): Promise<Running> {
  let server: Server;
  let closeExtra = async (): Promise<void> => {};
  if (kind === 'fetch') {
    server = createServer((req, res) => {
      void bridge(req, res, (request) => fetchRequestHandler({ endpoint: '/trpc', req: request, router, createContext, ...handler }));
    });
  } else if (kind === 'standalone') {
    server = createHTTPServer({ router, createContext, basePath: '/trpc/', ...handler });
  } else if (kind === 'express') {
    const app = express();
    app.use('/trpc', createExpressMiddleware({ router, createContext, ...handler }));
    server = createServer(app);
  } else {
    // tRPC's batch URL puts every procedure path in one route parameter (tRPC's Fastify docs raise the limit too).
    const app = Fastify({ routerOptions: { maxParamLength: 5000 } });
    await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router, createContext, ...handler } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
    closeExtra = () => app.close();
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url: `${origin}/trpc`, origin, close: closeExtra };
  }
  const origin = await listen(server);
  return { url: `${origin}/trpc`, origin, close: () => closeServer(server) };
}
