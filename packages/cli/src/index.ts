// Public entry point of the CLI package (the executable is bin/llm-rag-yt.js). The only door into
// this package: configuration loading, for tools and tests that need the same settings as the CLI.

export { type Config, ConfigError, loadConfig, redactConfig } from './config.ts';
export type { Io } from './io.ts';
// The command line itself, for benchmarks that drive it as a user would (`npm run bench -- retrieval`).
export { main } from './main.ts';
