// biome-ignore-all assist/source/organizeImports: exports are grouped by audience, not sorted by path.
// Public entry point of the HTTP server, grouped by audience. The only door into this package.

// — Composition (CLI) —
export { createApp } from './app.ts';
export { type StdioMcp, serveMcpStdio } from './mcp/stdio.ts';
export { createMcpServer, type McpOptions } from './mcp/tools.ts';
export { MODEL_ID as OPENAI_MODEL_ID } from './openai/routes.ts';
export { type RunningServer, startServer, UnsafeBindError } from './start-server.ts';
export { redactedPath } from './api-log.ts';
export { createMetricsHistory } from './metrics-history.ts';
export { HttpError } from './http-error.ts';
export type {
  ApiLog,
  ApiLogEntry,
  AppOptions,
  MetricsHistory,
  MetricsRegistry,
  MetricsSnapshot,
  ServerLogger,
} from './types.ts';

// — Prometheus metrics (the CLI creates one registry per process; the bot counts into it) —
export {
  createMetricsRegistry,
  METRIC_PREFIX,
  type MetricsRegistry as PrometheusRegistry,
  type MetricsRegistryOptions,
} from './metrics/index.ts';

// — Tooling and benchmarks —
export { buildOpenApi, OPERATIONS } from './openapi.ts';
export { layoutAssetGraph } from './asset-layout.ts';
