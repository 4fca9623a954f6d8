import type { Pool } from 'pg';
import { sha256Hex, type EntityName } from '@leaf/contracts';

/**
 * One PostgreSQL sequence per queue or topic, as Service Bus numbers each entity on its own (a
 * topic's subscriptions share its numbers). Sequences never block concurrent senders, unlike a
 * counter row. Created on first use, starting above any number the entity already has (from
 * the single sequence of earlier releases), under an advisory lock so replicas agree.
 */
export class BusSequences {
  private readonly known = new Map<string, Promise<string>>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /** The qualified sequence name of `entity`, safe to interpolate (a hash, not the entity name). */
  nameOf(entity: EntityName): string {
    return `${this.schema}.seq_${sha256Hex(entity).slice(0, 24)}`;
  }

  /** Ensures the entity's sequence exists; resolves to its name. */
  ensure(entity: EntityName): Promise<string> {
    let pending = this.known.get(entity);
    if (!pending) {
      pending = this.create(entity);
      this.known.set(entity, pending);
      pending.catch(() => this.known.delete(entity));
    }
    return pending;
  }

  private async create(entity: EntityName): Promise<string> {
    const name = this.nameOf(entity);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leaf-bus-sequence:${name}`]);
      const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [name]);
      if (!rows[0]?.found) {
        await client.query(`CREATE SEQUENCE ${name}`);
        await client.query(
          `SELECT setval($1, m, true) FROM (
             SELECT greatest((SELECT max(seq) FROM ${this.schema}.messages WHERE entity = $2), (SELECT max(seq) FROM ${this.schema}.scheduled WHERE entity = $2)) AS m) x
           WHERE m IS NOT NULL`,
          [name, entity],
        );
      }
      await client.query('COMMIT');
      return name;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
