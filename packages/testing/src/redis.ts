/**
 * The Redis the distributed tests use: TEST_REDIS_URL, default the local development server.
 * Each test passes a random key prefix, so tests never see each other's jobs.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
