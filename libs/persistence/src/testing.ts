export {
  testDatabaseTargets,
  createPgliteTestDatabase,
  createPostgresTestDatabase,
  testDatabasePrefix,
  type TestDatabase,
  type TestDatabaseTarget,
  type TestDatabaseTargetName,
} from './testing/test-database-targets';
export type { SchemaShape, TableShape, ColumnShape, ForeignKeyShape } from './schema/schema-shape';
export { postgresSchemaShape } from './schema/postgres-schema-shape';
