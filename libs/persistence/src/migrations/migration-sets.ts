import { FoundationSchemaMssql1732350000000 } from './mssql/1732350000000-foundation-schema.mssql';
import { FoundationSchema1732350000000 } from './postgres/1732350000000-foundation-schema';

/** Migration classes for PostgreSQL and PGlite, oldest first. */
export const postgresMigrations = [FoundationSchema1732350000000];

/** The same migrations in T-SQL for SQL Server / Azure SQL, oldest first. */
export const mssqlMigrations = [FoundationSchemaMssql1732350000000];
