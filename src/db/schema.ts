import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * Table interfaces: snake_case rows exactly as stored. Rows are not domain objects; each aggregate has one
 * mapper from its row. Every table holding a partner's data carries `partner_id` and includes it in its
 * keys (SPEC §8); the shared ones are instance_settings, partners, sign_in_names and (later) the catalog and
 * the customer domain registry.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface InstanceSettingsTable {
  id: number;
  cloud: string;
  instance_id: string;
  created_at: Timestamp;
  test_clock_now: Timestamp | null;
  new_customers_open: boolean;
  /** Bumped by a catalog import: part of every tenant's access stamp (the offers decide what licences grant). */
  offers_version: ColumnType<string, string | number | undefined, string | number>;
}

export interface PartnersTable {
  id: string;
  name: string;
  partner_id_of_record: string | null;
  partner_type: string;
  created_at: Timestamp;
}

export interface SignInNamesTable {
  user_name: string;
  partner_id: string;
  user_id: string;
}

export interface PartnerUsersTable {
  partner_id: string;
  id: string;
  user_name: string;
  display_name: string;
  role: string;
  password_hash: string | null;
  locale: string | null;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  partner_id: string;
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_hint: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface WebSessionsTable {
  partner_id: string;
  id: string;
  user_id: string;
  session_hash: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface CustomersTable {
  partner_id: string;
  id: string;
  company_name: string;
  domain: string;
  organization_registration_number: string | null;
  billing_first_name: string;
  billing_last_name: string;
  billing_email: string;
  culture: string;
  language: string;
  country: string;
  address: Json;
  segment: string;
  qualifications: Json;
  relationship_to_partner: string;
  account_opened_at: Timestamp;
  first_billing_period_start: Timestamp | null;
  version: Generated<number>;
}

export interface AuditRecordsTable {
  partner_id: string;
  id: string;
  customer_id: string | null;
  customer_name: string | null;
  user_principal_name: string;
  application_id: string | null;
  resource_type: string;
  resource_id: string;
  operation_type: string;
  operation_status: string;
  reason: string | null;
  old_value: Json | null;
  new_value: Json | null;
  correlation_id: string | null;
  operation_date: Timestamp;
}

export interface EventsTable {
  partner_id: string;
  id: string;
  seq: Generated<string>;
  type: string;
  resource_type: string;
  resource_id: string;
  customer_id: string | null;
  /** The event's own payload; null when it is its audit record's new value (`audit_id`). */
  payload: Json | null;
  /** The audit record of the change the event announces. */
  audit_id: ColumnType<string | null, string | null | undefined, string | null>;
  occurred_at: Timestamp;
}

export interface IdempotencyKeysTable {
  partner_id: string;
  request_id: string;
  method: string;
  path: string;
  body_hash: string;
  response_status: number;
  response_body: string;
  created_at: Timestamp;
}

export interface OffersTable {
  id: string;
  definition: Json;
  /** Position in the imported file: the catalog's display order. */
  rank: number;
  imported_at: Timestamp;
  /** What the partner pays per licence per month, `{ "USD": 1600 }` in minor units (R-PRC-1); `{}` when unknown. */
  cost: ColumnType<unknown, string | undefined, string>;
  /** Some add-on of the catalog can be bought on it (R-ADD-1): worked out by each catalog import. */
  takes_add_ons: Generated<boolean>;
}

export interface CustomerDomainsTable {
  domain: string;
  partner_id: string;
  customer_id: string;
}

export interface OrdersTable {
  partner_id: string;
  id: string;
  customer_id: string;
  billing_cycle: string;
  currency: string;
  status: string;
  created_at: Timestamp;
  created_by: string;
}

export interface OrderLineItemsTable {
  partner_id: string;
  order_id: string;
  line_item_number: number;
  offer_id: string;
  quantity: number;
  friendly_name: string;
  subscription_id: string;
  parent_subscription_id: string | null;
}

export interface SubscriptionsTable {
  partner_id: string;
  id: string;
  customer_id: string;
  offer_id: string;
  order_id: string;
  friendly_name: string;
  quantity: number;
  billing_cycle: string;
  currency: string;
  /** Price per licence per month in minor units (cents), fixed at purchase or renewal. */
  unit_price: number;
  /** The partner's cost per licence per month, fixed with the price (R-PRC-3); null when unknown. */
  unit_cost: ColumnType<number | null, number | null | undefined, number | null>;
  status: string;
  is_trial: boolean;
  trial_offer_id: string | null;
  converted_at: Timestamp | null;
  parent_subscription_id: string | null;
  created_at: Timestamp;
  effective_start_date: Timestamp;
  commitment_end_date: Timestamp;
  auto_renew_enabled: boolean;
  suspension_reasons: Json;
  suspension_comment: string | null;
  suspended_at: Timestamp | null;
  suspended_with_parent: boolean;
  status_changed_at: Timestamp;
  data_retention_end_date: Timestamp | null;
  data_purged_at: Timestamp | null;
  version: Generated<number>;
}

export interface CustomerTrialsTable {
  partner_id: string;
  customer_id: string;
  offer_id: string;
  subscription_id: string;
  started_at: Timestamp;
}

/** A partner's webhook endpoint (R-EVT); `secret` is kept as is because the worker must sign with it. */
export interface WebhookEndpointsTable {
  partner_id: string;
  id: string;
  webhook_url: string;
  webhook_events: Json;
  secret: string;
  created_at: Timestamp;
  created_by: string;
  last_modified_at: Timestamp;
  /** Every event of the partner with seq at or below this one is fanned out to the endpoint (or predates it). */
  fanned_out_seq: ColumnType<string, string | number, string | number>;
  /** The highest seq seen at `horizon_seen_at`; it becomes `fanned_out_seq` once no older commit can appear. */
  horizon_seq: ColumnType<string, string | number, string | number>;
  horizon_seen_at: Timestamp;
}

/** One event for one endpoint: the delivery log and the retry state (R-EVT). */
export interface WebhookDeliveriesTable {
  partner_id: string;
  endpoint_id: string;
  event_id: string;
  event_seq: ColumnType<string, string | number, string | number>;
  event_type: string;
  attempts: Generated<number>;
  /** When the worker may try next; null once delivered or given up. */
  next_attempt_at: Timestamp | null;
  /** The worker's lease: an outcome is recorded only by the claim that sent it. */
  claim_token: string | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
  failed_at: Timestamp | null;
  created_at: Timestamp;
}

/**
 * A charge (amount > 0) or credit (amount < 0) for one subscription (R-BIL): the term it falls in, the period
 * it covers, the quantity, the monthly unit price, and the rule that produced it. `amount` is a bigint
 * column: drivers may return it as a string, read it with `amountOf`.
 */
export interface LedgerEntriesTable {
  partner_id: string;
  id: string;
  /** Write order, so the lines of one change keep the order the change made them in. */
  seq: Generated<string>;
  customer_id: string;
  subscription_id: string;
  offer_id: string;
  reason: string;
  rule: string;
  billing_cycle: string;
  term_start: Timestamp;
  term_end: Timestamp;
  period_start: Timestamp;
  period_end: Timestamp;
  days: number | null;
  quantity: number;
  unit_price: number;
  amount: ColumnType<string | number | bigint, number | string, number | string>;
  currency: string;
  posted_at: Timestamp;
  /** The cost side of the line (R-PRC-3); null on lines written before costs were kept, or of unknown cost. */
  unit_cost: ColumnType<number | null, number | null | undefined, number | null>;
  cost_amount: ColumnType<
    string | number | bigint | null,
    number | string | null | undefined,
    number | string | null
  >;
}

/** One version of a partner's price rule (R-PRC-2); never updated, a change is a new version. */
export interface PriceRulesTable {
  partner_id: string;
  id: string;
  rule_id: string;
  version: number;
  scope: string;
  category: string | null;
  offer_id: string | null;
  customer_id: string | null;
  kind: string;
  basis_points: number;
  prices: Json;
  allow_below_cost: boolean;
  retired: boolean;
  effective_from: Timestamp;
  created_at: Timestamp;
  created_by: string;
}

/** A person in a customer's tenant (R-ACC); `role` is `admin` when they hold the company administrator role. */
export interface CustomerUsersTable {
  partner_id: string;
  customer_id: string;
  id: string;
  /** Stored in lower case: sign-in names compare without case. */
  user_principal_name: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string;
  usage_location: string | null;
  role: string;
  created_at: Timestamp;
  last_modified_at: Timestamp;
  version: Generated<number>;
}

/** One licence: a user holds one seat of one subscription (its quantity caps the seats; purge removes them). */
export interface LicenseAssignmentsTable {
  partner_id: string;
  customer_id: string;
  user_id: string;
  subscription_id: string;
  /** Service plans of the offer this licence does not grant (Partner Center's excludedPlans). */
  excluded_plans: Json;
  assigned_at: Timestamp;
}

/** A live server process that answers access decisions from memory, and the lease it does so under. */
/**
 * The version stamp of one tenant's access facts (R-ACC): bumped by every write that can change the tenant's
 * decisions, in that write's transaction (`bumpAccessVersions`).
 */
export interface AccessVersionsTable {
  partner_id: string;
  customer_id: string;
  version: ColumnType<string, string | number, string | number>;
}

/** Guesses counted in a fixed window (R-SEC-1), shared by every process; the key is a hash of what is counted. */
export interface AuthAttemptsTable {
  key_hash: string;
  window_started_at: Timestamp;
  attempts: number;
}

/** What a partner prints on its invoices and its tax rate per customer country, in basis points (R-INV-1). */
export interface InvoiceSettingsTable {
  partner_id: string;
  invoice_prefix: string;
  legal_name: string;
  address: Json;
  /** `{ "FR": 2000 }`: 20 % for customers in France; a country not listed pays no tax. */
  tax_rates: Json;
  updated_at: Timestamp;
}

/** The month close's lock per partner: the next invoice number and the last month closed (R-INV-1). */
export interface InvoiceCountersTable {
  partner_id: string;
  next_seq: ColumnType<string | number, number | string, number | string>;
  /** The start of the last month closed; null before the first close. */
  closed_through: Timestamp | null;
}

/** An issued invoice or credit note (R-INV-1): never updated (a trigger refuses it). Amounts in minor units. */
export interface InvoicesTable {
  partner_id: string;
  id: string;
  seq: ColumnType<string | number, number | string, number | string>;
  number: string;
  kind: string;
  credited_invoice_id: string | null;
  customer_id: string;
  currency: string;
  period_start: Timestamp;
  period_end: Timestamp;
  issued_at: Timestamp;
  locale: string;
  billing_profile: Json;
  seller: Json;
  tax_rate: number;
  net: ColumnType<string | number | bigint, number | string, number | string>;
  tax: ColumnType<string | number | bigint, number | string, number | string>;
  total: ColumnType<string | number | bigint, number | string, number | string>;
}

/** One ledger line on one document, copied at issue (R-INV-1). */
export interface InvoiceLinesTable {
  partner_id: string;
  invoice_id: string;
  line_number: number;
  ledger_entry_id: string;
  subscription_id: string;
  offer_id: string;
  product: string;
  reason: string;
  billing_cycle: string;
  period_start: Timestamp;
  period_end: Timestamp;
  days: number | null;
  quantity: number;
  unit_price: number;
  amount: ColumnType<string | number | bigint, number | string, number | string>;
}

export interface Tables {
  instance_settings: InstanceSettingsTable;
  partners: PartnersTable;
  sign_in_names: SignInNamesTable;
  partner_users: PartnerUsersTable;
  api_tokens: ApiTokensTable;
  web_sessions: WebSessionsTable;
  customers: CustomersTable;
  audit_records: AuditRecordsTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  offers: OffersTable;
  customer_domains: CustomerDomainsTable;
  orders: OrdersTable;
  order_line_items: OrderLineItemsTable;
  subscriptions: SubscriptionsTable;
  customer_trials: CustomerTrialsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  ledger_entries: LedgerEntriesTable;
  customer_users: CustomerUsersTable;
  license_assignments: LicenseAssignmentsTable;
  access_versions: AccessVersionsTable;
  auth_attempts: AuthAttemptsTable;
  price_rules: PriceRulesTable;
  invoice_settings: InvoiceSettingsTable;
  invoice_counters: InvoiceCountersTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
}

export type Row<T extends keyof Tables> = Selectable<Tables[T]>;
