/** Where `npm install` keeps the empty embedded database. */
export const PGLITE_TEMPLATE: string;
/** Builds the empty database unless the installed PGlite made the one there. */
export function ensurePgliteTemplate(): Promise<'built' | 'up to date'>;
