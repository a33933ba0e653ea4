export interface ThrowawayPostgres {
  url: string;
  /** The same server through its Unix socket. */
  socketUrl: string;
  bin: string;
  port: number;
  socketDir: string;
  stop(): void;
}
export function startThrowawayPostgres(options?: {
  fsync?: boolean;
  /** More `name=value` server settings. */
  settings?: string[];
}): Promise<ThrowawayPostgres | undefined>;
