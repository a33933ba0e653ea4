import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { print, withSeatwise } from './support.ts';

/** `seatwise sweep`: runs every lifecycle transition that is due now, once (R-RET-3), with progress. */
export function registerLifecycleCommands(program: Command): void {
  program
    .command('sweep')
    .description(
      'run every lifecycle transition that is due now (trial expiry, renewal, expiry, disable, delete, purge)',
    )
    .option('--batch <n>', 'subscriptions per transaction', '1000')
    .option('--json', 'print the report as JSON')
    .action((o: { batch: string; json?: boolean }) =>
      withSeatwise('sweep', async (s) => {
        const { countDue, sweep, SWEEP_STEPS } = await import('../jobs/lifecycle-sweeper.ts');
        const now = s.clock.now();
        const totals = await countDue(s.db, now);
        const bars = new MultiBar(
          { format: '{step} [{bar}] {value}/{total}', stream: process.stderr, clearOnComplete: false },
          Presets.shades_classic,
        );
        const byStep = new Map(
          SWEEP_STEPS.filter((step) => totals[step] > 0).map((step) => [
            step,
            bars.create(totals[step], 0, { step: step.padEnd(14) }),
          ]),
        );
        const report = await sweep(s.db, now, {
          batchSize: Math.max(1, Number(o.batch) || 1000),
          onProgress: (step, done) => byStep.get(step)?.update(done),
        });
        bars.stop();
        if (o.json) print(JSON.stringify(report));
        else
          print(
            `swept at ${now.toISOString()}: ${report.expireTrials} trials expired, ${report.renewed} renewed, ` +
              `${report.endTerms} expired, ${report.disable} disabled, ${report.delete} deleted and purged, ` +
              `${report.purgeCancelled} cancelled purged`,
          );
      }),
    );
}
