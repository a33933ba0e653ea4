import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_PATH, apiTypesFor, currentOpenApiDocument } from '../../scripts/api-types.ts';

describe("the console's API types (a client of the REST API, typed by its OpenAPI document)", () => {
  it('R-API-6: web/src/api/schema.d.ts is what the current server’s /openapi.json generates', async () => {
    const fresh = await apiTypesFor(await currentOpenApiDocument());
    const committed = readFileSync(API_TYPES_PATH, 'utf8');
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]);
    expect(
      line === -1 && a.length === b.length
        ? 'up to date'
        : `differs at line ${line + 1}: run npm run api:types`,
    ).toBe('up to date');
    // The console's own calls use these paths: they exist in the document.
    for (const path of [
      "'/v1/me'",
      "'/v1/customers/{customerId}/catalog'",
      "'/v1/customers/{customerId}/subscriptions/{subscriptionId}/retentionpreview'",
    ])
      expect(fresh).toContain(path);
  });
});
