// Public entry point of the HTTP server.

export { createSqlApiLog, redactedPath } from './api-log.ts';
// — Composition —
export { createApp } from './app.ts';
export { HttpError } from './http-error.ts';
export { createMetricsHistory } from './metrics-history.ts';
// — For tooling —
export { buildOpenApi, OPERATIONS } from './openapi.ts';
export { type RunningServer, startServer, UnsafeBindError } from './start-server.ts';
export type {
  ApiLog,
  ApiLogEntry,
  AppOptions,
  MetricsHistory,
  MetricsRegistry,
  MetricsSnapshot,
  ServerLogger,
} from './types.ts';
