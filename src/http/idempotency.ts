import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../app/secrets.ts';
import { DomainError, isDomainError, statusOf } from '../domain/errors.ts';
import type { Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { isUniqueViolation, PartnerScope } from '../db/scope.ts';
import type { Seatwise } from '../composition.ts';
import { actorOf } from './auth.ts';
import { errorBody, localeOf } from './errors.ts';

const requestIdOf = (req: FastifyRequest): string | undefined => {
  const v = req.headers['ms-requestid'];
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined;
};

type Stored = Row<'idempotency_keys'>;
/** What a route answers: its status and body. */
export interface Answer {
  status: number;
  body: unknown;
}
type Outcome = { ran: Answer } | { replay: Stored };

/** The error PostgreSQL (server or embedded) raises when the request id was recorded by another request. */
const isTakenRequestId = (e: unknown): boolean => isUniqueViolation(e, 'idempotency_keys_pkey');

/**
 * R-API-2 for a POST or PATCH. With an MS-RequestId, this opens the transaction, `run` makes the change in it
 * (the use case's own `inTransaction` joins it), and the request id and the response are inserted next, in
 * the same transaction: the change and its record commit together or not at all. A retry with the same id
 * and body gets the recorded response again and changes nothing; another body under the same id is refused.
 * A duplicate that raced the first fails that insert on the key's uniqueness, rolls back, and replays the
 * first answer. A refusal is recorded too (after its rollback), so a retry hears the same answer; a 5xx is
 * not, so a retry runs again. Without an MS-RequestId, `run` simply runs (the use case opens its transaction).
 */
export async function idempotent(
  seatwise: Seatwise,
  req: FastifyRequest,
  reply: FastifyReply,
  run: (db: Db) => Promise<Answer>,
): Promise<FastifyReply> {
  const requestId = requestIdOf(req);
  if (!requestId) {
    const answer = await run(seatwise.db);
    return reply.status(answer.status).send(answer.body);
  }
  const partnerId = actorOf(req).partnerId;
  const bodyHash = sha256(`${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`);
  const row = (responseStatus: number, body: unknown) => ({
    partner_id: partnerId,
    request_id: requestId,
    method: req.method,
    path: req.url,
    body_hash: bodyHash,
    response_status: responseStatus,
    response_body: JSON.stringify(body),
    created_at: new Date(),
  });

  const find = () =>
    new PartnerScope(seatwise.db, partnerId)
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('request_id', '=', requestId)
      .executeTakeFirst();
  let outcome: Outcome;
  try {
    outcome = await seatwise.db.transaction().execute(async (trx): Promise<Outcome> => {
      const ran = await run(trx);
      // If the id is taken (a retry, or a duplicate that committed while this one ran), the key's uniqueness
      // fails this insert, the transaction rolls back, and the first answer is replayed.
      await trx.insertInto('idempotency_keys').values(row(ran.status, ran.body)).execute();
      return { ran };
    });
  } catch (e) {
    if (isTakenRequestId(e)) outcome = { replay: (await find()) as Stored };
    else if (isDomainError(e) && statusOf(e) < 500) {
      // A duplicate may be refused only because its first copy succeeded meanwhile: answer as the first did.
      const stored = await find();
      if (!stored) {
        await seatwise.db
          .insertInto('idempotency_keys')
          .values(row(statusOf(e), errorBody(e, localeOf(req))))
          .onConflict((oc) => oc.columns(['partner_id', 'request_id']).doNothing())
          .execute();
        throw e;
      }
      outcome = { replay: stored };
    } else throw e;
  }
  if ('ran' in outcome) return reply.status(outcome.ran.status).send(outcome.ran.body);
  const stored = outcome.replay;
  if (stored.body_hash !== bodyHash) {
    throw new DomainError('invalid_input', 2000, 'idempotency.bodyMismatch', { requestId }, [
      { field: 'MS-RequestId', rule: 'R-API-2' },
    ]);
  }
  void reply.header('MS-Idempotent-Replay', 'true');
  return reply.status(stored.response_status).send(JSON.parse(stored.response_body) as unknown);
}
