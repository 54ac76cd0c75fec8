import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Context } from 'hono';
import { tokenChecker } from '../auth.ts';
import type { AppOptions } from '../types.ts';
import { MAX_JSON_BYTES } from '../validation.ts';
import { clientMessage, createMcpServer } from './tools.ts';

/** JSON-RPC's "server error" range; -32001 is what MCP servers commonly use for auth failures. */
const UNAUTHORIZED = -32001;
const UNAVAILABLE = -32002;
const INTERNAL = -32603;

function rpcError(c: Context, status: 401 | 405 | 500 | 503, code: number, message: string) {
  return c.json({ jsonrpc: '2.0', error: { code, message }, id: null }, status);
}

/**
 * Streamable HTTP at /mcp, stateless: every POST gets a fresh server and transport (the SDK's
 * stateless pattern), so any number of web servers can serve it and nothing is kept between calls.
 * Responses are plain JSON (no SSE stream): tools answer in one piece. Same token rule as /api.
 */
export function mcpHandler(opts: AppOptions) {
  const check = tokenChecker(opts.auth.tokens);
  return async (c: Context) => {
    const problem = check(c.req.header('authorization'));
    if (problem) {
      c.header('www-authenticate', 'Bearer');
      return rpcError(c, 401, UNAUTHORIZED, problem);
    }
    if (c.req.method !== 'POST') {
      c.header('allow', 'POST');
      return rpcError(
        c,
        405,
        -32000,
        'This MCP server is stateless: POST JSON-RPC messages to /mcp (no GET stream, no sessions).',
      );
    }
    if (!opts.rag)
      return rpcError(
        c,
        503,
        UNAVAILABLE,
        'The RAG service is not configured on this server (start it with `llm-rag-yt dev`).',
      );
    const server = createMcpServer({
      rag: opts.rag,
      subscriptions: opts.subscriptions,
      logger: opts.logger,
      source: 'api',
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: MAX_JSON_BYTES,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw);
    } catch (err) {
      return rpcError(c, 500, INTERNAL, clientMessage(err, opts.logger, 'POST /mcp'));
    } finally {
      // JSON mode: the response is complete once handleRequest returns, so nothing is cut off.
      await server.close().catch(() => {});
    }
  };
}
