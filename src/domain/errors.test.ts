import { describe, expect, it } from 'vitest';
import { DomainError, PARTNER_CENTER_CODES, refusal, statusOf } from './errors.ts';

describe('refusal codes: one map from code to kind to status', () => {
  it('R-API-4: a refusal takes its kind and status from its Partner Center code', () => {
    expect([refusal(800066, 'k').kind, statusOf(refusal(800066, 'k'))]).toEqual(['refused', 403]);
    expect([refusal(2085, 'k').kind, statusOf(refusal(2085, 'k'))]).toEqual(['refused', 403]);
    expect([refusal(27009, 'k').kind, statusOf(refusal(27009, 'k'))]).toEqual(['conflict', 409]);
    expect([refusal(800027, 'k').kind, statusOf(refusal(800027, 'k'))]).toEqual(['not_allowed', 403]);
    expect([refusal(2000, 'k').kind, statusOf(refusal(2000, 'k'))]).toEqual(['invalid_input', 400]);
  });

  it('R-API-4: a code the map does not know is a refusal with its kind status, 400', () => {
    expect([refusal(123456, 'k').kind, statusOf(refusal(123456, 'k'))]).toEqual(['refused', 400]);
    expect(statusOf(new DomainError('not_found', 404, 'k'))).toBe(404);
    expect(statusOf(new DomainError('precondition_failed', 2055, 'k'))).toBe(412);
  });

  it('R-API-4: every code the map gives its own status is a client error', () => {
    for (const [code, entry] of Object.entries(PARTNER_CENTER_CODES)) {
      if (entry.status === undefined) continue;
      expect(entry.status, String(code)).toBeGreaterThanOrEqual(400);
      expect(entry.status, String(code)).toBeLessThan(500);
    }
  });
});
