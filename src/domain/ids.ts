import { randomUUID } from 'node:crypto';

/** Every Seatwise id is a GUID, as Partner Center's are (a customer's id is its tenant id). */
export const newId = (): string => randomUUID();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (v: string): boolean => GUID.test(v);
