import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/database-config';

/** The SQL dialects Leaf writes: PostgreSQL (also PGlite) and T-SQL (SQL Server / Azure SQL). */
export type SqlDialect = 'postgres' | 'mssql';

export function dialectOf(dataSource: DataSource): SqlDialect {
  const type = dataSource.options.type;
  if (type === 'postgres') return 'postgres';
  if (type === 'mssql') return 'mssql';
  throw new Error(`Unsupported TypeORM driver type "${type}": Leaf supports postgres and mssql`);
}

export function dialectOfConfig(config: Pick<DatabaseConfig, 'kind'>): SqlDialect {
  return config.kind === 'mssql' ? 'mssql' : 'postgres';
}
