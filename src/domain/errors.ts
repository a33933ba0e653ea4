/**
 * The one error type the domain throws. `kind` is a closed set that the HTTP layer maps to a status and the
 * CLI maps to an exit code; `code` is Partner Center's error code where one exists (R-API-4).
 */
export type ErrorKind =
  | 'invalid_input'
  /** A business rule refused a well-formed request (quantity out of bounds, cancelled subscription, ...). */
  | 'refused'
  | 'unauthenticated'
  | 'not_allowed'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'rate_limited'
  | 'unavailable';

/** The HTTP status of each kind, unless the code says otherwise (`PARTNER_CENTER_CODES`). */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  refused: 400,
  unauthenticated: 401,
  not_allowed: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  rate_limited: 429,
  unavailable: 503,
};

/**
 * Partner Center's codes for a refused change: the one place that says which kind each is (and so its HTTP
 * status and the CLI's exit code), with the status where Partner Center answers the code with another one than
 * its kind's. A code not listed is a refusal (400).
 */
export const PARTNER_CENTER_CODES: Readonly<
  Record<number, { kind: ErrorKind; status?: number; means: string }>
> = {
  2000: { kind: 'invalid_input', means: 'a field is missing or not valid' },
  2001: { kind: 'refused', means: 'not while the subscription is suspended' },
  2002: { kind: 'refused', means: 'quantity outside the offer bounds' },
  2011: { kind: 'refused', means: 'the subscription is cancelled (deleted)' },
  2085: { kind: 'refused', status: 403, means: 'not eligible for purchase by this customer' },
  2091: { kind: 'refused', status: 403, means: 'no longer available for purchase' },
  6001: { kind: 'refused', means: 'billing cycle not supported by the offer' },
  27006: { kind: 'refused', means: 'trial already used' },
  27009: { kind: 'conflict', status: 409, means: 'the base subscription is not active' },
  800027: { kind: 'not_allowed', means: 'a trial keeps its quantity' },
  800029: { kind: 'refused', means: 'not an add-on of that base' },
  800066: { kind: 'refused', status: 403, means: 'offer limit reached' },
  800070: { kind: 'refused', means: 'not sold in the customer country' },
  800081: { kind: 'refused', means: 'the subscription is pending' },
  800091: { kind: 'refused', means: 'the subscription has ended' },
  800093: { kind: 'refused', means: 'cannot renew automatically' },
  800096: { kind: 'refused', means: 'not from the subscription current status' },
};

/** The kind of a Partner Center refusal code. */
export const kindOfCode = (code: number): ErrorKind => PARTNER_CENTER_CODES[code]?.kind ?? 'refused';

/** The HTTP status of an error: its code's, where Partner Center gives that code its own, else its kind's. */
export const statusOf = (e: DomainError): number =>
  PARTNER_CENTER_CODES[e.code]?.status ?? STATUS_BY_KIND[e.kind];

export type MessageParams = Record<string, string | number>;

export class DomainError extends Error {
  readonly kind: ErrorKind;
  readonly code: number;
  /** Key into the message catalog (src/domain/messages.ts); the HTTP layer localizes it. */
  readonly messageKey: string;
  readonly params: MessageParams;
  /** Extra details for the client: the field, the rule, the failing line items. */
  readonly data: unknown[];

  constructor(
    kind: ErrorKind,
    code: number,
    messageKey: string,
    params: MessageParams = {},
    data: unknown[] = [],
  ) {
    super(`${messageKey} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.messageKey = messageKey;
    this.params = params;
    this.data = data;
  }
}

/** A refusal by Partner Center code, its kind taken from `PARTNER_CENTER_CODES`. */
export const refusal = (code: number, messageKey: string, params: MessageParams = {}, data: unknown[] = []) =>
  new DomainError(kindOfCode(code), code, messageKey, params, data);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
