import type { Seatwise } from '../composition.ts';
import { startLifecycleTimer } from '../jobs/lifecycle-timer.ts';
import { buildApp, type App } from './app.ts';

/** Starts listening, and closes cleanly (HTTP first, then the database) on SIGINT or SIGTERM. */
export async function startServer(seatwise: Seatwise): Promise<App> {
  const app = await buildApp(seatwise);
  const sweeper =
    seatwise.config.sweepIntervalSeconds > 0
      ? startLifecycleTimer(
          seatwise,
          seatwise.config.sweepIntervalSeconds * 1000,
          (e) => app.log.error({ err: e }, 'lifecycle sweep failed'),
          (r) => {
            const moved = Object.values(r).reduce((a, b) => a + b, 0);
            if (moved > 0) app.log.info({ sweep: r }, 'lifecycle sweep');
          },
        )
      : undefined;
  app.addHook('onClose', async () => {
    await sweeper?.stop();
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    // In words, like the start-up lines above it in the terminal (Ctrl-C), not as a JSON log line.
    process.stdout.write(`Seatwise: ${signal} received, closing.\n`);
    app
      .close()
      .then(() => seatwise.close())
      .then(
        () => process.exit(0),
        (e: unknown) => {
          app.log.error(e);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // The serve command says where it listens, in words, among its other start-up lines; Fastify's own
  // "Server listening at" would repeat it as a JSON line in the middle of them. Requests log as before.
  const level = app.log.level;
  app.log.level = 'warn';
  try {
    await app.listen({ port: seatwise.config.port, host: seatwise.config.host });
  } finally {
    app.log.level = level;
  }
  return app;
}
