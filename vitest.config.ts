import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI has no internet: a CLI a test starts with the runner's environment does not try to install
    // yt-dlp from github.com (tests that build their own env spread @llm-rag-yt/testing's OFFLINE_CLI_ENV).
    env: { YTDLP_AUTO_INSTALL: 'false' },
    reporters: ['default'],
  },
});
