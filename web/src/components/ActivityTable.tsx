import { Link } from 'react-router';
import type { AuditRecord } from '../api/client.ts';
import { useFormat, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { describeChange, parseReason, type PriceRuleChange } from '../logic/activity.ts';
import { REASON_KEY } from './labels.ts';
import { TID } from '../testids.ts';
import { STATUS_KEY } from './common.tsx';

const OPERATION_KEY: Record<string, MessageKey> = {
  add_customer: 'operation.add_customer',
  update_customer_billing_profile: 'operation.update_customer_billing_profile',
  update_customer_qualification: 'operation.update_customer_qualification',
  create_order: 'operation.create_order',
  update_order: 'operation.update_order',
  create_subscription: 'operation.create_subscription',
  update_subscription: 'operation.update_subscription',
  convert_trial_subscription: 'operation.convert_trial_subscription',
  expire_trial_subscription: 'operation.expire_trial_subscription',
  renew_subscription: 'operation.renew_subscription',
  expire_subscription: 'operation.expire_subscription',
  disable_subscription: 'operation.disable_subscription',
  delete_subscription: 'operation.delete_subscription',
  purge_subscription: 'operation.purge_subscription',
  create_partner_user: 'operation.create_partner_user',
  create_api_token: 'operation.create_api_token',
  create_webhook_registration: 'operation.create_webhook_registration',
  delete_webhook_registration: 'operation.delete_webhook_registration',
  create_customer_user: 'operation.create_customer_user',
  update_customer_user: 'operation.update_customer_user',
  delete_customer_user: 'operation.delete_customer_user',
  update_user_licenses: 'operation.update_user_licenses',
  sign_in_failed: 'operation.sign_in_failed',
  sign_in_throttled: 'operation.sign_in_throttled',
  create_price_rule: 'operation.create_price_rule',
  update_price_rule: 'operation.update_price_rule',
  retire_price_rule: 'operation.retire_price_rule',
};

const ROLE_KEY: Record<string, MessageKey> = { admin: 'users.role.admin', user: 'users.role.user' };

/** Names the page knows for the ids a record holds: subscriptions by id, users' sign-in names by id. */
export interface ActivityNames {
  subscriptions?: Readonly<Record<string, string>>;
  users?: Readonly<Record<string, string>>;
}

/** The activity log (R-AUD): when, what, on which resource, by whom, and what changed. */
export function ActivityTable({
  records,
  showCustomer = false,
  names = {},
}: {
  records: AuditRecord[];
  showCustomer?: boolean;
  names?: ActivityNames;
}) {
  const t = useT();
  const f = useFormat();
  if (records.length === 0) return <p className="empty">{t('activity.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('activity.when')}</th>
            {showCustomer && <th scope="col">{t('activity.customer')}</th>}
            <th scope="col">{t('activity.what')}</th>
            <th scope="col">{t('activity.details')}</th>
            <th scope="col">{t('activity.who')}</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const op = OPERATION_KEY[r.operationType];
            const change = describeChange(r);
            const reason = r.customizedData.find((d) => d.key === 'Reason')?.value;
            return (
              <tr key={r.id} data-testid={TID.activityRow}>
                <td className="nowrap">{f.dateTime(r.operationDate)}</td>
                {showCustomer && (
                  <td>
                    {r.customerId ? <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link> : null}
                  </td>
                )}
                <td>{op ? t(op) : t('operation.other')}</td>
                <td>
                  {change.name && <span className="strong">{change.name}</span>}
                  {(change.user ?? (change.userId && names.users?.[change.userId])) && (
                    <span className="strong">
                      {change.user ?? (change.userId ? names.users?.[change.userId] : undefined)}
                    </span>
                  )}
                  <ul className="changes">
                    {change.role && (
                      <li>
                        {t('activity.roleChange', {
                          role: ROLE_KEY[change.role.to]
                            ? t(ROLE_KEY[change.role.to] as MessageKey)
                            : change.role.to,
                        })}
                      </li>
                    )}
                    {change.licensesAdded?.map((id) => (
                      <li key={`+${id}`}>
                        {t('activity.licenceAdded', {
                          name: names.subscriptions?.[id] ?? t('activity.aSubscription'),
                        })}
                      </li>
                    ))}
                    {change.licensesRemoved?.map((id) => (
                      <li key={`-${id}`}>
                        {t('activity.licenceRemoved', {
                          name: names.subscriptions?.[id] ?? t('activity.aSubscription'),
                        })}
                      </li>
                    ))}
                    {change.status && (
                      <li>
                        {t('activity.statusChange', {
                          from: statusText(t, change.status.from),
                          to: statusText(t, change.status.to),
                        })}
                      </li>
                    )}
                    {change.quantity && (
                      <li>
                        {t('activity.quantityChange', { from: change.quantity.from, to: change.quantity.to })}
                      </li>
                    )}
                    {change.priceRule && <li>{ruleText(t, f, change.priceRule, r.operationDate)}</li>}
                    {reason && <li>{t('activity.reason', { reason: reasonText(t, reason) })}</li>}
                  </ul>
                </td>
                <td>{r.userPrincipalName}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type Translate = ReturnType<typeof useT>;

const RULE_SCOPE_KEY: Record<string, MessageKey> = {
  partner: 'pricing.scope.partner',
  category: 'pricing.scope.category',
  offer: 'pricing.scope.offer',
  customer: 'pricing.scope.customer',
  customerOffer: 'pricing.scope.customerOffer',
};
type Format = ReturnType<typeof useFormat>;

/** A price rule version in words (R-PRC-2): what it applies to, its terms, and its date when later. */
function ruleText(t: Translate, f: Format, rule: PriceRuleChange, recordedAt: string): string {
  const scopeKey = RULE_SCOPE_KEY[rule.scope];
  const scope = scopeKey ? t(scopeKey) : rule.scope;
  const target = rule.target ? ` ${rule.target}` : '';
  if (rule.retired) return t('activity.ruleRetired', { scope, target, date: f.date(rule.effectiveFrom) });
  const percent = rule.percent === null ? '' : f.number(rule.percent);
  const terms = [
    rule.kind === 'markup'
      ? t('activity.ruleMarkup', { percent })
      : rule.kind === 'discount'
        ? t('activity.ruleDiscount', { percent })
        : rule.kind === 'fixed'
          ? t('activity.ruleFixed', {
              prices: Object.entries(rule.prices)
                .map(([currency, amount]) => f.money(amount, currency))
                .join(', '),
            })
          : t('activity.ruleErp'),
  ];
  if (rule.allowBelowCost) terms.push(t('activity.ruleBelowCost'));
  if (rule.effectiveFrom && new Date(rule.effectiveFrom).getTime() > new Date(recordedAt).getTime())
    terms.push(t('activity.ruleFrom', { date: f.date(rule.effectiveFrom) }));
  return t('activity.rule', { scope, target, terms: terms.join(', ') });
}

/** The recorded reason in the user's language when it is made of reason codes, as recorded otherwise. */
function reasonText(t: (k: MessageKey) => string, reason: string): string {
  const parsed = parseReason(reason);
  if (!parsed) return reason;
  const words = parsed.codes.map((c) => {
    const key = REASON_KEY[c];
    return key ? t(key) : c;
  });
  if (parsed.withBase) words.push(t('activity.withBase'));
  return words.join(', ');
}

function statusText(t: (k: MessageKey) => string, status: string): string {
  const key = STATUS_KEY[status];
  return key ? t(key) : status;
}
