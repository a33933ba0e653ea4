import { DomainError, type MessageParams } from './errors.ts';

/**
 * R-API-3: the version a change was based on, and where the client put it. Partner Center's own clients send
 * no `If-Match`: they PATCH the resource they read, whose `attributes.etag` carries the version. The console
 * sends `If-Match`. A change that carries neither applies (last writer wins, as on Partner Center).
 */
export interface ExpectedVersion {
  etag: string;
  from: 'If-Match' | 'attributes.etag';
}

/** An entity tag as a client may write it: `"3"`, `W/"3"` or `3`; `*` and blanks name no version. */
export function readEtag(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const v = value
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .trim();
  return v && v !== '*' ? v : undefined;
}

/**
 * `If-Match` when sent, else the body's `attributes.etag`, else nothing. `If-Match: *` is sent and names no
 * version: the client asks for the change whatever the version, so the body's ETag is not read either.
 */
export function expectedVersion(ifMatch: string | undefined, bodyEtag: unknown): ExpectedVersion | undefined {
  if (ifMatch !== undefined && ifMatch.trim() !== '') {
    const header = readEtag(ifMatch);
    return header === undefined ? undefined : { etag: header, from: 'If-Match' };
  }
  const body = readEtag(bodyEtag);
  return body === undefined ? undefined : { etag: body, from: 'attributes.etag' };
}

/**
 * R-API-3: refuses a change based on a version that is no longer current, with Partner Center's code 2055: a
 * stale `If-Match` is 412 (HTTP's precondition), a stale body ETag 400 (what Partner Center answers).
 */
export function throwIfStale(
  expected: ExpectedVersion | undefined,
  current: number | string,
  messageKey: string,
  params: MessageParams,
): void {
  if (expected === undefined || expected.etag === String(current)) return;
  throw new DomainError(
    expected.from === 'If-Match' ? 'precondition_failed' : 'refused',
    2055,
    messageKey,
    params,
    [{ field: expected.from, rule: 'R-API-3', current: String(current) }],
  );
}
