import type { PartnerRole } from '../domain/access/permissions.ts';

/** Who is acting: a partner user through a token or a web session, or the operator from the CLI. */
export interface Actor {
  partnerId: string;
  userId: string;
  userName: string;
  role: PartnerRole;
  via: 'token' | 'session' | 'cli';
}

/** What a use case knows about the request it serves, for the audit trail (R-AUD). */
export interface RequestContext {
  actor: Actor;
  correlationId: string | undefined;
  applicationId: string | undefined;
}
