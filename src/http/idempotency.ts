import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../app/secrets.ts';
import { DomainError } from '../domain/errors.ts';
import { PartnerScope } from '../db/scope.ts';
import type { Seatwise } from '../composition.ts';

// A claim older than this was left by a process that died mid-request: a retry may take it over.
const STALE_CLAIM_MS = 5 * 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | undefined;
  }
}

const requestIdOf = (req: FastifyRequest): string | undefined => {
  const v = req.headers['ms-requestid'];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

/**
 * R-API-2, for every route whose config says `idempotent`: the first request with an MS-RequestId claims
 * it; a retry with the same id and body gets the first response again, unchanged, without running the
 * handler; the same id with another body is refused. A 5xx releases the claim so that a retry can run.
 */
export function installIdempotency(app: FastifyInstance, seatwise: Seatwise) {
  app.decorateRequest('idempotencyKey', undefined);

  app.addHook('preHandler', async (req, reply) => {
    if (!req.routeOptions.config.idempotent || !req.actor) return;
    const requestId = requestIdOf(req);
    if (!requestId) return;
    const scope = new PartnerScope(seatwise.db, req.actor.partnerId);
    const bodyHash = sha256(`${req.method} ${req.url} ${JSON.stringify(req.body ?? null)}`);
    const realNow = new Date();
    const claimed = await seatwise.db
      .insertInto('idempotency_keys')
      .values({
        partner_id: req.actor.partnerId,
        request_id: requestId,
        method: req.method,
        path: req.url,
        body_hash: bodyHash,
        state: 'pending',
        response_status: null,
        response_body: null,
        response_content_type: null,
        created_at: realNow,
      })
      .onConflict((oc) => oc.columns(['partner_id', 'request_id']).doNothing())
      .returning('request_id')
      .executeTakeFirst();
    if (claimed) {
      req.idempotencyKey = requestId;
      return;
    }
    const existing = await scope
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (existing.body_hash !== bodyHash) {
      throw new DomainError('invalid_input', 2000, 'idempotency.bodyMismatch', { requestId }, [
        { field: 'MS-RequestId', rule: 'R-API-2' },
      ]);
    }
    if (existing.state === 'done') return replay(reply, existing);
    if (realNow.getTime() - existing.created_at.getTime() > STALE_CLAIM_MS) {
      const taken = await scope
        .updateTable('idempotency_keys')
        .set({ created_at: realNow })
        .where('request_id', '=', requestId)
        .where('state', '=', 'pending')
        .where('created_at', '=', existing.created_at)
        .executeTakeFirst();
      if (taken.numUpdatedRows === 1n) {
        req.idempotencyKey = requestId;
        return;
      }
    }
    void reply.header('Retry-After', '1');
    throw new DomainError('conflict', 409, 'idempotency.inProgress', { requestId });
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const requestId = req.idempotencyKey;
    if (!requestId || !req.actor) return payload;
    req.idempotencyKey = undefined;
    const scope = new PartnerScope(seatwise.db, req.actor.partnerId);
    if (reply.statusCode >= 500) {
      await scope.deleteFrom('idempotency_keys').where('request_id', '=', requestId).execute();
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    await scope
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: reply.statusCode,
        response_body:
          typeof payload === 'string' ? payload : payload === null ? '' : JSON.stringify(payload),
        response_content_type: typeof contentType === 'string' ? contentType : null,
      })
      .where('request_id', '=', requestId)
      .execute();
    return payload;
  });
}

function replay(
  reply: FastifyReply,
  row: { response_status: number | null; response_body: string | null; response_content_type: string | null },
) {
  void reply.header('MS-Idempotent-Replay', 'true');
  if (row.response_content_type) void reply.header('content-type', row.response_content_type);
  return reply.status(row.response_status ?? 200).send(row.response_body ?? '');
}
