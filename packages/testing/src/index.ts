// Public entry point of the test helpers: real databases (and the Redis) for tests in every package, and the CLI's offline settings.

export { OFFLINE_CLI_ENV } from './cli-env.ts';
export {
  DIALECTS,
  type Dialect,
  dropTestSchema,
  openTestDatabase,
  postgresUrl,
  TEST_DATABASE_URL,
  type TestDatabase,
  testSchemaName,
} from './databases.ts';
export { TEST_REDIS_URL } from './redis.ts';
