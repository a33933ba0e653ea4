import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Seatwise } from '../../composition.ts';
import { CLOUD_POLICIES } from '../../domain/cloud.ts';
import { DomainError } from '../../domain/errors.ts';
import { ErrorBody } from '../schemas.ts';

const Health = Type.Object({ status: Type.String(), cloud: Type.String(), engine: Type.String() });

/** Liveness, readiness and Prometheus metrics, for the operator's probes (no token needed). */
export const healthRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const health = () => ({ cloud: seatwise.instance.cloud, engine: seatwise.engine });
    app.get(
      '/healthz',
      { config: { public: true }, schema: { tags: ['operations'], response: { 200: Health } } },
      () => ({ status: 'ok', ...health() }),
    );
    app.get(
      '/readyz',
      {
        config: { public: true },
        schema: { tags: ['operations'], response: { 200: Health, 503: ErrorBody } },
      },
      async () => {
        try {
          await sql`select 1`.execute(seatwise.db);
        } catch {
          throw new DomainError('unavailable', 503, 'server.notReady');
        }
        return { status: 'ready', ...health() };
      },
    );
    app.get(
      '/metrics',
      { config: { public: true }, schema: { tags: ['operations'], hide: true } },
      async (_req, reply) => {
        void reply.header('content-type', seatwise.metrics.contentType);
        return seatwise.metrics.metrics();
      },
    );
    app.get(
      '/v1/instance',
      {
        config: { public: true },
        schema: {
          tags: ['operations'],
          summary: 'Which cloud instance this is (SPEC §6)',
          response: {
            200: Type.Object({ cloud: Type.String(), displayName: Type.String(), testClock: Type.Boolean() }),
          },
        },
      },
      () => ({
        cloud: seatwise.instance.cloud,
        displayName: CLOUD_POLICIES[seatwise.instance.cloud].displayName,
        testClock: seatwise.testClock !== undefined,
      }),
    );
  };
