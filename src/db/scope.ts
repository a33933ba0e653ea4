/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- typescript-eslint resolves these generic
   builders differently from tsc, which needs the casts below. */
import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type InsertQueryBuilder,
  type CompiledQuery,
  type InsertResult,
  type Insertable,
  type Kysely,
  type SelectQueryBuilder,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import { insertAllStatement, type Rows } from './insert-all.ts';
import type { Tables } from './schema.ts';

/** Tables that hold one partner's data: each carries partner_id (SPEC §8). */
export type PartnerTable = {
  [K in keyof Tables]: Tables[K] extends { partner_id: unknown } ? K : never;
}[keyof Tables];

/** Rows for tables that hold one partner's data, written by `PartnerScope.insertRows`. */
export type PartnerRows = Rows<PartnerTable>;

/**
 * The only way use cases reach partner data (R-ROLE-ISO). Every select, update and delete it builds is
 * already filtered on the partner, and every insert is stamped with it, so a query cannot forget the partner.
 * Raw `Kysely` access is kept for the shared tables (instance settings, partners, sign-in names, catalog).
 */
export class PartnerScope {
  constructor(
    /** A Transaction is a Kysely too: the scope works inside or outside one. */
    readonly db: Kysely<Tables>,
    readonly partnerId: string,
  ) {}

  #isMine(table: PartnerTable) {
    return sql<boolean>`${sql.ref(`${table}.partner_id`)} = ${this.partnerId}`;
  }

  // Kysely cannot type a query over a table chosen by a type parameter; the casts stay in this class.
  selectFrom<T extends PartnerTable>(table: T): SelectQueryBuilder<Tables, T, object> {
    const qb = this.db.selectFrom(table) as unknown as SelectQueryBuilder<Tables, T, object>;
    return qb.where(this.#isMine(table));
  }

  updateTable<T extends PartnerTable>(table: T): UpdateQueryBuilder<Tables, T, T, UpdateResult> {
    const qb = this.db.updateTable(table) as unknown as UpdateQueryBuilder<Tables, T, T, UpdateResult>;
    return qb.where(this.#isMine(table));
  }

  deleteFrom<T extends PartnerTable>(table: T): DeleteQueryBuilder<Tables, T, DeleteResult> {
    const qb = this.db.deleteFrom(table) as unknown as DeleteQueryBuilder<Tables, T, DeleteResult>;
    return qb.where(this.#isMine(table));
  }

  insertInto<T extends PartnerTable>(
    table: T,
    values: Omit<Insertable<Tables[T]>, 'partner_id'>,
  ): InsertQueryBuilder<Tables, T, InsertResult> {
    const qb = this.db.insertInto(table).values({ ...values, partner_id: this.partnerId } as never);
    return qb as unknown as InsertQueryBuilder<Tables, T, InsertResult>;
  }

  /**
   * Writes rows into several partner tables in one statement (`insertAllStatement`), each stamped with this partner:
   * a row built for another partner cannot be written through this scope.
   */
  async insertRows(parts: readonly PartnerRows[]): Promise<void> {
    const statement = this.insertRowsStatement(parts);
    if (statement) await this.db.executeQuery(statement);
  }

  /** The statement `insertRows` sends (for `sendTogether`); undefined when there is no row to write. */
  insertRowsStatement(parts: readonly PartnerRows[]): CompiledQuery | undefined {
    const partner_id = this.partnerId;
    return insertAllStatement(
      this.db,
      parts.map((p) => ({ table: p.table, rows: p.rows.map((r) => ({ ...r, partner_id })) }) as PartnerRows),
    );
  }
}

/** A name as PostgreSQL or a Citus shard spells it: Citus appends `_<shard id>`, hashing a name too long first. */
function namesSame(found: string, expected: string): boolean {
  if (found === expected) return true;
  const base = /^(.+)_\d+$/.exec(found)?.[1];
  if (base === undefined) return false;
  if (base === expected) return true;
  // Past 63 bytes Citus keeps a prefix and adds an 8-digit hash of the full name before the shard id.
  const prefix = /^(.{16,})_[0-9a-f]{8}$/.exec(base)?.[1];
  return prefix !== undefined && expected.startsWith(prefix);
}

const field = (e: object, key: string): string | undefined => {
  const v = (e as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * Whether `e` is PostgreSQL's refusal (server, embedded, or a Citus shard) of a row that the unique index
 * `constraint` already holds: a concurrent writer committed the same key. Where a rule describes that key,
 * the use case answers with the rule's refusal.
 *
 * The index is recognised by name, with or without the suffix a shard adds; the name is read from the error's
 * `constraint` field or, when a worker's error came without it, from its message. An error that names no index
 * at all is matched on its table (`key.table`, by default the table of a `<table>_pkey` constraint) and, when
 * given and the error has a detail, on the key's columns.
 */
export function isUniqueViolation(
  e: unknown,
  constraint: string,
  key: { table?: string; columns?: readonly string[] } = {},
): boolean {
  if (typeof e !== 'object' || e === null || (e as { code?: unknown }).code !== '23505') return false;
  const named = field(e, 'constraint') ?? /unique constraint "([^"]+)"/.exec(field(e, 'message') ?? '')?.[1];
  if (named !== undefined) return namesSame(named, constraint);
  const table = key.table ?? /^(.+)_pkey$/.exec(constraint)?.[1];
  const found = field(e, 'table');
  if (table === undefined || found === undefined || !namesSame(found, table)) return false;
  const columns = /^Key \(([^)]*)\)=/.exec(field(e, 'detail') ?? '')?.[1];
  return key.columns === undefined || columns === undefined || columns === key.columns.join(', ');
}
