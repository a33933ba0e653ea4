import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../app/secrets.ts';
import { DomainError, isDomainError } from '../domain/errors.ts';
import { inTransaction, type Db } from '../db/database.ts';
import type { Row } from '../db/schema.ts';
import { PartnerScope } from '../db/scope.ts';
import type { Seatwise } from '../composition.ts';
import { actorOf } from './auth.ts';
import { errorBody, localeOf, statusOf } from './errors.ts';

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

/**
 * R-API-2 for a POST or PATCH: with an MS-RequestId, `run` executes inside one transaction that also records
 * the request id and the response, so a change and its record commit together or not at all. A retry with
 * the same id and body gets the recorded response again and changes nothing; another body under the same id
 * is refused. On PostgreSQL a concurrent duplicate waits on the id's key until the first commits, then
 * replays it. A refusal is recorded too (after its rollback), so a retry hears the same answer; a 5xx is not,
 * so a retry runs again. Without an MS-RequestId, `run` simply runs.
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
  const record = (db: Db, responseStatus: number, body: unknown) =>
    db
      .insertInto('idempotency_keys')
      .values({
        partner_id: partnerId,
        request_id: requestId,
        method: req.method,
        path: req.url,
        body_hash: bodyHash,
        response_status: responseStatus,
        response_body: JSON.stringify(body),
        created_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['partner_id', 'request_id']).doNothing())
      .returning('request_id')
      .executeTakeFirst();

  let outcome: Outcome;
  try {
    outcome = await inTransaction(seatwise.db, async (trx): Promise<Outcome> => {
      // Claim the id first: a concurrent duplicate blocks here until this transaction ends.
      const claimed = await record(trx, 0, null);
      if (!claimed) {
        const stored = await new PartnerScope(trx, partnerId)
          .selectFrom('idempotency_keys')
          .selectAll()
          .where('request_id', '=', requestId)
          .executeTakeFirstOrThrow();
        return { replay: stored };
      }
      const ran = await run(trx);
      await new PartnerScope(trx, partnerId)
        .updateTable('idempotency_keys')
        .set({ response_status: ran.status, response_body: JSON.stringify(ran.body) })
        .where('request_id', '=', requestId)
        .execute();
      return { ran };
    });
  } catch (e) {
    if (isDomainError(e) && statusOf(e) < 500)
      await record(seatwise.db, statusOf(e), errorBody(e, localeOf(req)));
    throw e;
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
