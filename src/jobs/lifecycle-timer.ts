import type { Seatwise } from '../composition.ts';
import { sweep, type SweepReport } from './lifecycle-sweeper.ts';
import { closeMonths } from './invoicing.ts';

export interface LifecycleTimer {
  stop(): Promise<void>;
}

/**
 * Runs the lifecycle sweep (R-RET-3) when the server starts, which catches up on every date that passed
 * while it was down, and then every `intervalMs`. One sweep at a time per process; several processes on one
 * PostgreSQL never move a row twice (a sweep waits for rows another holds and re-reads them).
 */
export function startLifecycleTimer(
  seatwise: Seatwise,
  intervalMs: number,
  onError: (e: unknown) => void,
  onSwept: (r: SweepReport) => void = () => {},
): LifecycleTimer {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    const now = seatwise.clock.now();
    running = sweep(seatwise.db, now)
      .then(async (r) => (await closeMonths(seatwise.db, now), r)) // R-INV-1: the month close, after the sweep
      .then(onSwept, onError)
      .finally(() => {
        running = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
