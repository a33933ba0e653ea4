import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      databaseUrl: undefined,
      cloud: 'global',
      testClock: false,
      bootstrapToken: undefined,
      bootstrapPassword: undefined,
      rateLimitPerMinute: 6000,
      logLevel: 'info',
      demo: true,
      sweepIntervalSeconds: 60,
      guessing: { signInPerName: 10, signInPerAddress: 100, tokenFailuresPerAddress: 50, windowSeconds: 900 },
      webhookAllowPrivate: false,
      trustProxy: false,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['SEATWISE_CLOUD', 'mars'],
    ['DATABASE_URL', 'mysql://x'],
    ['SEATWISE_TEST_CLOCK', 'yes'],
    ['SEATWISE_BOOTSTRAP_TOKEN', 'short'],
    ['SEATWISE_RATE_LIMIT', '0'],
    ['SEATWISE_LOG_LEVEL', 'loud'],
    ['SEATWISE_DEMO', 'maybe'],
    ['SEATWISE_SWEEP_INTERVAL', '-1'],
    ['SEATWISE_SIGN_IN_LIMIT', '0'],
    ['SEATWISE_TOKEN_FAILURE_LIMIT', 'many'],
    ['SEATWISE_GUESS_WINDOW', '0'],
    ['SEATWISE_WEBHOOK_ALLOW_PRIVATE', 'yes'],
    ['SEATWISE_TRUST_PROXY', 'yes'],
    ['SEATWISE_TRUST_PROXY', '10.0.0.0/33'],
  ])('refuses %s=%s with a message that names the setting', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(name);
    expect((error as Error).message).toContain(name);
  });

  it('SPEC §6: reads the cloud instance; the test clock is off unless asked for', () => {
    const c = loadConfig({ SEATWISE_CLOUD: 'germany', SEATWISE_TEST_CLOCK: '1' });
    expect(c.cloud).toBe('germany');
    expect(c.testClock).toBe(true);
  });

  it('trusts no proxy unless told: any with 1, or the addresses and ranges listed', () => {
    expect(loadConfig({ SEATWISE_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ SEATWISE_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(
      loadConfig({ SEATWISE_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback,::1,fd00::/8' }).trustProxy,
    ).toEqual(['10.0.0.1', '192.168.0.0/16', 'loopback', '::1', 'fd00::/8']);
  });
});
