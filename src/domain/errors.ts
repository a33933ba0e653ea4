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

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
