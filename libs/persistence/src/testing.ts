export {
  testDatabaseTargets,
  createPgliteTestDatabase,
  createPostgresTestDatabase,
  testDatabasePrefix,
  type TestDatabase,
  type TestDatabaseTarget,
  type TestDatabaseTargetName,
} from './testing/test-database-targets';
