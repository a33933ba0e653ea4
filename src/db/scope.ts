/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion -- typescript-eslint resolves these generic
   builders differently from tsc, which needs the casts below. */
import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type InsertQueryBuilder,
  type InsertResult,
  type Insertable,
  type Kysely,
  type SelectQueryBuilder,
  type Transaction,
  type UpdateQueryBuilder,
  type UpdateResult,
} from 'kysely';
import { insertAll, type Rows } from './insert-all.ts';
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
   * Writes rows into several partner tables in one statement (`insertAll`), each stamped with this partner:
   * a row built for another partner cannot be written through this scope.
   */
  async insertRows(parts: readonly PartnerRows[]): Promise<void> {
    const partner_id = this.partnerId;
    await insertAll(
      this.db,
      parts.map((p) => ({ table: p.table, rows: p.rows.map((r) => ({ ...r, partner_id })) }) as PartnerRows),
    );
  }

  /** The same partner inside a transaction that the use case opened. */
  in(trx: Transaction<Tables>): PartnerScope {
    return new PartnerScope(trx, this.partnerId);
  }
}

/**
 * Whether `e` is PostgreSQL's refusal (server or embedded) of a row that the unique index `constraint` already
 * holds: a concurrent writer committed the same key. Where a rule describes that key, the use case answers
 * with the rule's refusal.
 */
export const isUniqueViolation = (e: unknown, constraint: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: unknown }).code === '23505' &&
  (e as { constraint?: unknown }).constraint === constraint;
