import { FoundationSchema1732350000000 } from './postgres/1732350000000-foundation-schema';
import { ClaimsAuditDetail1732360000000 } from './postgres/1732360000000-claims-audit-detail';

/**
 * Migration classes for PostgreSQL and PGlite, oldest first. Operational state lives only there;
 * SQL Server is read (the claims authority), never migrated.
 */
export const postgresMigrations = [FoundationSchema1732350000000, ClaimsAuditDetail1732360000000];
