import { describe, expect, it } from 'vitest';
import { expectedVersion, readEtag, throwIfStale } from './versions.ts';

describe('R-API-3 versions', () => {
  it('R-API-3: reads an entity tag as clients write it; * and blanks name no version', () => {
    expect(readEtag('"3"')).toBe('3');
    expect(readEtag('W/"3"')).toBe('3');
    expect(readEtag(' 3 ')).toBe('3');
    expect(readEtag(3)).toBe('3');
    expect(readEtag('*')).toBeUndefined();
    expect(readEtag('')).toBeUndefined();
    expect(readEtag(null)).toBeUndefined();
    expect(readEtag({ etag: '3' })).toBeUndefined();
  });

  it('R-API-3: If-Match when sent, else the body’s attributes.etag, else none', () => {
    expect(expectedVersion('"4"', '3')).toEqual({ etag: '4', from: 'If-Match' });
    expect(expectedVersion(undefined, '3')).toEqual({ etag: '3', from: 'attributes.etag' });
    expect(expectedVersion('', '3')).toEqual({ etag: '3', from: 'attributes.etag' });
    expect(expectedVersion('*', '3')).toBeUndefined();
    expect(expectedVersion(undefined, undefined)).toBeUndefined();
    expect(expectedVersion(undefined, 'removed')).toEqual({ etag: 'removed', from: 'attributes.etag' });
  });

  it('R-API-3: stale is 2055, a precondition failure from If-Match, a refusal (400) from the body', () => {
    expect(() => throwIfStale(undefined, 7, 'k', {})).not.toThrow();
    expect(() => throwIfStale({ etag: '7', from: 'If-Match' }, 7, 'k', {})).not.toThrow();
    expect(() => throwIfStale({ etag: '6', from: 'If-Match' }, 7, 'k', {})).toThrow(
      expect.objectContaining({ kind: 'precondition_failed', code: 2055 }),
    );
    expect(() => throwIfStale({ etag: '6', from: 'attributes.etag' }, 7, 'k', {})).toThrow(
      expect.objectContaining({
        kind: 'refused',
        code: 2055,
        data: [{ field: 'attributes.etag', rule: 'R-API-3', current: '7' }],
      }),
    );
  });
});
