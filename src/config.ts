import { isIP } from 'node:net';
import { isCloud, type Cloud } from './domain/cloud.ts';

/** Every setting Seatwise reads, already validated. The README documents each with its default. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  cloud: Cloud;
  testClock: boolean;
  bootstrapToken: string | undefined;
  bootstrapPassword: string | undefined;
  /** Requests per minute per caller (token, session or address) before 429 (R-API-5). */
  rateLimitPerMinute: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Load the demo catalog and demo partner data into an empty database (SEATWISE_DEMO, default on). */
  demo: boolean;
  /** Seconds between lifecycle sweeps in the server (SEATWISE_SWEEP_INTERVAL); 0 turns the timer off. */
  sweepIntervalSeconds: number;
  /** Guessing limits (R-SEC-1), each counted over `guessWindowSeconds` (SEATWISE_GUESS_WINDOW, default 900). */
  guessing: {
    /** Sign-in attempts for one user name from one address (SEATWISE_SIGN_IN_LIMIT, default 10). */
    signInPerName: number;
    /** Failed sign-ins from one address, whatever the name (SEATWISE_SIGN_IN_ADDRESS_LIMIT, default 100). */
    signInPerAddress: number;
    /** Refused bearer tokens from one address (SEATWISE_TOKEN_FAILURE_LIMIT, default 50). */
    tokenFailuresPerAddress: number;
    windowSeconds: number;
  };
  /**
   * Let webhooks reach http and private, loopback and link-local addresses (SEATWISE_WEBHOOK_ALLOW_PRIVATE,
   * default off, R-SEC-2): for a receiver on the same machine while testing, never in production.
   */
  webhookAllowPrivate: boolean;
  /**
   * Which reverse proxies' X-Forwarded-* headers count (SEATWISE_TRUST_PROXY): none by default; `1` for any,
   * or their addresses and CIDR ranges. Only then does a proxy's `X-Forwarded-Proto: https` make the session
   * cookie Secure, and X-Forwarded-For the client address.
   */
  trustProxy: boolean | string[];
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`Invalid setting ${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected ${min} to ${max}, got ${n}`);
  return n;
}

function flag(env: Env, name: string, fallback = false): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(name, `expected 1 or 0, got "${raw}"`);
}

function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < minLength || /\s/.test(raw)) {
    throw new ConfigError(name, `expected at least ${minLength} characters without spaces`);
  }
  return raw;
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env): boolean | string[] {
  const raw = env.SEATWISE_TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const version = isIP(address);
    const okBits =
      bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    const ok = PROXY_KEYWORDS.includes(entry) || (version !== 0 && okBits && extra === undefined);
    if (!ok) {
      throw new ConfigError(
        'SEATWISE_TRUST_PROXY',
        `expected 1, 0, or proxy addresses and CIDR ranges separated by commas, got "${entry}"`,
      );
    }
  }
  return entries;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

/** Reads and validates the environment; throws a ConfigError that names the first bad setting. */
export function loadConfig(env: Env = process.env): Config {
  const cloud = env.SEATWISE_CLOUD || 'global';
  if (!isCloud(cloud))
    throw new ConfigError('SEATWISE_CLOUD', `expected global, usgov or germany, got "${cloud}"`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const host = env.HOST || '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError('HOST', `not a host name or address: "${host}"`);
  const logLevel = env.SEATWISE_LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(
      'SEATWISE_LOG_LEVEL',
      `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    dataDir: env.SEATWISE_DATA_DIR || './data',
    databaseUrl,
    cloud,
    testClock: flag(env, 'SEATWISE_TEST_CLOCK'),
    bootstrapToken: secret(env, 'SEATWISE_BOOTSTRAP_TOKEN', 8),
    bootstrapPassword: secret(env, 'SEATWISE_BOOTSTRAP_PASSWORD', 8),
    rateLimitPerMinute: integer(env, 'SEATWISE_RATE_LIMIT', 6000, 1, 10_000_000),
    logLevel: logLevel as Config['logLevel'],
    demo: flag(env, 'SEATWISE_DEMO', true),
    sweepIntervalSeconds: integer(env, 'SEATWISE_SWEEP_INTERVAL', 60, 0, 86_400),
    guessing: {
      signInPerName: integer(env, 'SEATWISE_SIGN_IN_LIMIT', 10, 1, 1_000_000),
      signInPerAddress: integer(env, 'SEATWISE_SIGN_IN_ADDRESS_LIMIT', 100, 1, 1_000_000),
      tokenFailuresPerAddress: integer(env, 'SEATWISE_TOKEN_FAILURE_LIMIT', 50, 1, 1_000_000),
      windowSeconds: integer(env, 'SEATWISE_GUESS_WINDOW', 900, 1, 86_400),
    },
    webhookAllowPrivate: flag(env, 'SEATWISE_WEBHOOK_ALLOW_PRIVATE'),
    trustProxy: trustProxy(env),
  };
}
