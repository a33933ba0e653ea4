import { DomainError } from '../domain/errors.ts';

/** A 400 that names the request field at fault (R-API-4). */
export const invalidField = (field: string, detail: string) =>
  new DomainError('invalid_input', 2000, 'request.invalid', { detail }, [{ field, problem: detail }]);

/**
 * Partner Center's `filter` query parameter: a JSON object `{"Field":…,"Value":…,"Operator":…}` with keys in
 * any case, and field and operator names in any case and spelling (`starts_with`, `StartsWith`). Returns the
 * field and operator lower-cased with only their letters kept, and the value as sent; each route then says
 * which of them it supports.
 */
export function parseFilter(filter: string): { field: string; operator: string; value: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(filter);
  } catch {
    throw invalidField('filter', 'filter is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidField('filter', 'filter must be a JSON object with Field, Value and Operator');
  const get = (name: string) =>
    Object.entries(parsed as Record<string, unknown>).find(([k]) => k.toLowerCase() === name)?.[1];
  const flat = (v: unknown) => (typeof v === 'string' ? v.replace(/[^a-z]/gi, '').toLowerCase() : '');
  return { field: flat(get('field')), operator: flat(get('operator')), value: get('value') };
}
