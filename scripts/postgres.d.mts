export interface ThrowawayPostgres {
  url: string;
  bin: string;
  port: number;
  socketDir: string;
  stop(): void;
}
export function startThrowawayPostgres(options?: { fsync?: boolean }): Promise<ThrowawayPostgres | undefined>;
