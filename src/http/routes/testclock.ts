import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Seatwise } from '../../composition.ts';
import { parseDuration } from '../../domain/clock.ts';
import { DomainError } from '../../domain/errors.ts';
import { DateTime, errorResponses } from '../schemas.ts';
import { sweep } from '../../jobs/lifecycle-sweeper.ts';
import { closeMonths } from '../../jobs/invoicing.ts';

const Now = Type.Object({ now: DateTime });
const Moved = Type.Object({
  now: DateTime,
  transitions: Type.Record(Type.String(), Type.Integer(), { description: 'what the lifecycle sweep did' }),
});

/** R-API-7: read and move the test clock. Absent (404) unless SEATWISE_TEST_CLOCK=1. */
export const testClockRoutes =
  (seatwise: Seatwise): FastifyPluginAsyncTypebox =>
  async (app) => {
    const clock = () => {
      if (!seatwise.testClock) throw new DomainError('not_found', 404, 'testclock.disabled');
      return seatwise.testClock;
    };
    app.get(
      '/v1/testclock',
      { schema: { tags: ['test clock'], response: { 200: Now, ...errorResponses } } },
      () => ({ now: clock().now().toISOString() }),
    );
    app.post(
      '/v1/testclock',
      {
        schema: {
          tags: ['test clock'],
          summary: 'Move time forward by a duration (P30D) or to a date',
          body: Type.Object(
            {
              advanceBy: Type.Optional(Type.String({ examples: ['P30D'] })),
              now: Type.Optional(DateTime),
            },
            { additionalProperties: false },
          ),
          response: { 200: Moved, ...errorResponses },
        },
      },
      async (req) => {
        const testClock = clock();
        const { advanceBy, now } = req.body;
        if ((advanceBy === undefined) === (now === undefined)) {
          throw new DomainError('invalid_input', 2000, 'testclock.oneOf', {}, [{ field: 'advanceBy' }]);
        }
        const current = testClock.now();
        let to: Date;
        if (advanceBy !== undefined) {
          const ms = parseDuration(advanceBy);
          if (ms === undefined) {
            throw new DomainError('invalid_input', 2000, 'testclock.invalidDuration', { value: advanceBy }, [
              { field: 'advanceBy' },
            ]);
          }
          to = new Date(current.getTime() + ms);
        } else {
          to = new Date(now as string);
        }
        if (to.getTime() < current.getTime()) {
          throw new DomainError(
            'invalid_input',
            2000,
            'testclock.backwards',
            { to: to.toISOString(), now: current.toISOString() },
            [{ field: 'now', rule: 'R-API-7' }],
          );
        }
        // R-API-7: whatever fell due up to the new time has happened when the call returns.
        const moved = await testClock.moveTo(to);
        const transitions = await sweep(seatwise.db, moved);
        const invoicesIssued = (await closeMonths(seatwise.db, moved)).length; // R-INV-1: the month close
        return { now: moved.toISOString(), transitions: { ...transitions, invoicesIssued } };
      },
    );
  };
