// Public entry point of the test helpers: real databases for tests in every package.

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
