export const CLI_BUNDLE: string;
export function sourcesHash(): string;
export function cliUpToDate(wanted?: string): boolean;
export function ensureCliBuilt(): Promise<'up to date' | 'built'>;
