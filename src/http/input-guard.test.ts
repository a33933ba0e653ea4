import { describe, expect, it } from 'vitest';
import { findProblem, MAX_BODY_DEPTH } from './input-guard.ts';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { next: nested(depth - 1) });

describe('the input guard', () => {
  it('R-API-4: names the field of the first value that cannot be stored, through objects and arrays', () => {
    const body = { lineItems: [{ offerId: 'CN-365-BB' }, { offerId: 'bad\0id' }] };
    expect(findProblem(body, 'body')).toEqual({
      field: 'body.lineItems.1.offerId',
      detail: 'body.lineItems.1.offerId must not contain NUL characters or unpaired surrogates',
    });
    expect(findProblem({ quantity: Infinity }, 'querystring')?.detail).toBe(
      'querystring.quantity must be a finite number',
    );
    expect(findProblem({ ['a\ud800']: 1 }, 'body')?.detail).toBe(
      'body has a property name with NUL characters or unpaired surrogates',
    );
    expect(findProblem('lone \udc00', 'params')?.field).toBe('params');
  });

  it('R-API-4: refuses nesting deeper than the limit without walking further, and accepts it up to the limit', () => {
    expect(findProblem(nested(MAX_BODY_DEPTH - 1), 'body')).toBeUndefined();
    const deep = findProblem(nested(10_000), 'body');
    expect(deep?.detail).toMatch(new RegExp(`nests deeper than ${MAX_BODY_DEPTH} levels$`));
    expect(deep?.field.split('.')).toHaveLength(MAX_BODY_DEPTH + 1);
  });

  it('R-API-4: finds nothing in an ordinary body (numbers, booleans, nulls, empty containers)', () => {
    expect(
      findProblem({ a: 1.5, b: [true, null, {}, []], c: 'Ünïcode 😀', d: { e: -0 } }, 'body'),
    ).toBeUndefined();
  });
});
