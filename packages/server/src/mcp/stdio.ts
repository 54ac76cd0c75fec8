import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer, type McpOptions } from './tools.ts';

export interface StdioMcp {
  /** Resolves when the client closes stdin (or `close()` is called). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the MCP tools over stdio: one JSON-RPC message per line on stdin, answers on stdout
 * (so nothing else may write to stdout; logs go to stderr). A line that is not JSON-RPC gets
 * JSON-RPC's own error (-32700 / -32600) instead of being dropped in silence, and the server reads on.
 */
export async function serveMcpStdio(
  opts: McpOptions,
  stdin: NodeJS.ReadableStream = process.stdin,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<StdioMcp> {
  const server = createMcpServer(opts);
  const transport = new StdioServerTransport(stdin as never, stdout as never);
  // Set before connect(): the SDK keeps this handler and calls its own after it.
  transport.onerror = (err) => {
    const parse = err instanceof SyntaxError;
    const invalid = !parse && err?.name === 'ZodError';
    if (!parse && !invalid) return opts.logger.warn({ err }, 'MCP stdio transport error');
    const reply = {
      jsonrpc: '2.0',
      id: null,
      error: parse
        ? {
            code: -32700,
            message: 'Parse error: each line on stdin must be one JSON-RPC 2.0 message in JSON.',
          }
        : { code: -32600, message: 'Invalid Request: the line is JSON but not a JSON-RPC 2.0 message.' },
    } as unknown as JSONRPCMessage;
    void transport.send(reply).catch(() => {});
  };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const onEnd = () => void close();
  stdin.once('end', onEnd);
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      stdin.off('end', onEnd);
      await server.close().catch(() => {});
      resolveClosed();
    })();
    return closing;
  };
  await server.connect(transport);
  return { closed, close };
}
