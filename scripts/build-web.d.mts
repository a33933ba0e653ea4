export function sourcesHash(): string;
export function ensureConsoleBuilt(options?: { quiet?: boolean }): Promise<'up to date' | 'kept' | 'built'>;
