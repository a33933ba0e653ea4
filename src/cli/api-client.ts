import { randomUUID } from 'node:crypto';

/** Where the partner commands find the API and who they are: flags first, then SEATWISE_URL / SEATWISE_TOKEN. */
export interface ApiTarget {
  url: string;
  token: string;
  locale: string;
}

/** A Partner Center error body as the API returns it (R-API-4). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    description: string,
  ) {
    super(description);
  }
}

/** A command line that cannot be right, found before any request is sent (exit 2). */
export class UsageError extends Error {}

export function apiTarget(o: { url?: string; token?: string; locale?: string }): ApiTarget {
  const url = o.url ?? process.env.SEATWISE_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const token = o.token ?? process.env.SEATWISE_TOKEN;
  if (!token) {
    throw new UsageError('No API token: pass --token or set SEATWISE_TOKEN (see: seatwise token create).');
  }
  return { url: url.replace(/\/+$/, ''), token, locale: o.locale ?? 'en-US' };
}

export interface ApiResponse<T> {
  body: T;
  etag: string | undefined;
}

/**
 * One call to the REST API, as any other client makes it: bearer token, X-Locale for the refusal messages,
 * and a fresh MS-RequestId on every POST or PATCH so that a retried command cannot act twice (R-API-2).
 */
export async function callApi<T>(
  target: ApiTarget,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { body?: unknown; ifMatch?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.token}`,
    accept: 'application/json',
    'x-locale': target.locale,
  };
  if (method !== 'GET') headers['ms-requestid'] = randomUUID();
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new Error(`Cannot reach Seatwise at ${target.url}${cause}`);
  }
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (parsed ?? {}) as { code?: number; description?: string };
    throw new ApiError(res.status, err.code, err.description ?? `HTTP ${res.status}`);
  }
  return { body: parsed as T, etag: res.headers.get('etag') ?? undefined };
}
