import type { Seatwise } from '../composition.ts';
import { buildApp, type App } from './app.ts';

/** Starts listening, and closes cleanly (HTTP first, then the database) on SIGINT or SIGTERM. */
export async function startServer(seatwise: Seatwise): Promise<App> {
  const app = await buildApp(seatwise);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.warn(`received ${signal}: closing`);
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
  await app.listen({ port: seatwise.config.port, host: seatwise.config.host });
  return app;
}
