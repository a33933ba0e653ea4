import type { FastifyInstance } from 'fastify';

/**
 * R-API-1: Partner Center's own samples write property names in PascalCase (`"LineItems"`, `"BillingProfile"`).
 * Request bodies are read case-insensitively by turning every property name to camelCase before validation.
 * Enum values are matched case-insensitively where the domain parses them.
 */
export function camelCaseKeys(value: unknown): unknown {
  if (!hasPascalCaseKey(value)) return value;
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[camelCase(key)] = camelCaseKeys(v);
  return out;
}

/** A key that begins with a capital letter; most clients send none, and their body is then kept as it is. */
const isPascalCase = (key: string): boolean => {
  const first = key.charAt(0);
  return first !== first.toLowerCase();
};

function hasPascalCaseKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasPascalCaseKey);
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (Object.hasOwn(object, key) && (isPascalCase(key) || hasPascalCaseKey(object[key]))) return true;
  }
  return false;
}

const camelCase = (key: string): string => {
  if (/^[A-Z0-9]+$/.test(key)) return key.toLowerCase(); // "ID", "URL"
  return key.charAt(0).toLowerCase() + key.slice(1);
};

export function installCaseInsensitiveBodies(app: FastifyInstance) {
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body !== null && typeof req.body === 'object') req.body = camelCaseKeys(req.body);
    done();
  });
}
