import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client.ts';
import type { paths } from '../api/schema';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useSession } from '../session.tsx';
import { PRICING_TID } from './billing/pricing-ids.ts';

type RuleList = paths['/v1/pricing/rules']['get']['responses'][200]['content']['application/json'];
type Rule = RuleList['items'][number];
type NewRule = NonNullable<paths['/v1/pricing/rules']['post']['requestBody']>['content']['application/json'];

const SCOPES = ['partner', 'category', 'offer', 'customer', 'customerOffer'] as const;
const KINDS = ['markup', 'discount', 'fixed', 'erp'] as const;
type Scope = (typeof SCOPES)[number];
type Kind = (typeof KINDS)[number];

const SCOPE_KEY: Record<string, MessageKey> = {
  partner: 'pricing.scope.partner',
  category: 'pricing.scope.category',
  offer: 'pricing.scope.offer',
  customer: 'pricing.scope.customer',
  customerOffer: 'pricing.scope.customerOffer',
  erp: 'pricing.scope.erp',
};
const KIND_KEY: Record<string, MessageKey> = {
  markup: 'pricing.kind.markup',
  discount: 'pricing.kind.discount',
  fixed: 'pricing.kind.fixed',
  erp: 'pricing.kind.erp',
};

/** A decimal amount in major units ("12.50") as minor units, or undefined when it is not one. */
export function toMinor(text: string): number | undefined {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0');
}

/**
 * The partner's price rules (R-PRC-2): the rules as they stand, a form to add one (or a new version of a
 * target's rule), retiring one, and what a chosen customer would pay for each offer and which rule sets it.
 */
export function PricingPage() {
  const t = useT();
  const { can } = useSession();
  const rules = useQuery({
    queryKey: ['pricing', 'rules'],
    queryFn: () => ok(api.GET('/v1/pricing/rules')),
  });
  const customers = useQuery({
    queryKey: ['pricing', 'customers'],
    queryFn: () => ok(api.GET('/v1/customers', { params: { query: { size: 200 } } })),
  });
  const [customerId, setCustomerId] = useState('');
  const customerList = customers.data?.items ?? [];
  const chosen = customerId || customerList[0]?.id || '';
  return (
    <>
      <div className="page-head">
        <h1>{t('pricing.title')}</h1>
        <p className="muted">{t('pricing.lead')}</p>
      </div>
      <section aria-labelledby="pricing-rules-title">
        <h2 id="pricing-rules-title">{t('pricing.rules')}</h2>
        {rules.isPending ? (
          <Loading />
        ) : rules.isError ? (
          <ErrorAlert error={rules.error} focus={false} />
        ) : (
          <RulesTable rules={rules.data.items} customers={customerList} manage={can('pricing.manage')} />
        )}
      </section>
      {can('pricing.manage') && (
        <section aria-labelledby="pricing-add-title">
          <h2 id="pricing-add-title">{t('pricing.add')}</h2>
          <RuleForm customers={customerList} />
        </section>
      )}
      <section aria-labelledby="pricing-preview-title">
        <div className="section-head">
          <h2 id="pricing-preview-title">{t('pricing.preview')}</h2>
          <label className="field inline" htmlFor="pricing-preview-customer">
            <span>{t('pricing.previewCustomer')}</span>
            <select
              id="pricing-preview-customer"
              data-testid={PRICING_TID.previewCustomer}
              value={chosen}
              onChange={(e) => setCustomerId(e.target.value)}
            >
              {customerList.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyProfile.companyName}
                </option>
              ))}
            </select>
          </label>
        </div>
        {chosen && <PricePreview customerId={chosen} />}
      </section>
    </>
  );
}

interface CustomerOption {
  id: string;
  companyProfile: { companyName: string };
}

function targetOf(rule: Rule, customers: readonly CustomerOption[], t: ReturnType<typeof useT>): string {
  const customer =
    customers.find((c) => c.id === rule.customerId)?.companyProfile.companyName ?? rule.customerId;
  switch (rule.scope) {
    case 'partner':
      return t('pricing.everyone');
    case 'category':
      return rule.category ?? '';
    case 'offer':
      return rule.offerId ?? '';
    case 'customer':
      return customer ?? '';
    default:
      return `${customer ?? ''} · ${rule.offerId ?? ''}`;
  }
}

function termsOf(
  rule: Pick<Rule, 'kind' | 'percent' | 'prices' | 'allowBelowCost'>,
  f: ReturnType<typeof useFormat>,
  t: ReturnType<typeof useT>,
) {
  const percent = rule.percent === null ? '' : ` ${f.number(rule.percent)} %`;
  const prices = Object.entries(rule.prices)
    .map(([currency, amount]) => f.money(amount, currency))
    .join(', ');
  return `${t(KIND_KEY[rule.kind] ?? 'pricing.kind.erp')}${percent}${prices ? ` ${prices}` : ''}${rule.allowBelowCost ? ` (${t('pricing.belowCostAllowed')})` : ''}`;
}

function RulesTable({
  rules,
  customers,
  manage,
}: {
  rules: Rule[];
  customers: readonly CustomerOption[];
  manage: boolean;
}) {
  const t = useT();
  const f = useFormat();
  const client = useQueryClient();
  const retire = useMutation({
    mutationFn: (ruleId: string) =>
      ok(api.POST('/v1/pricing/rules/{ruleId}/retire', { params: { path: { ruleId } }, body: {} })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['pricing'] }),
  });
  if (rules.length === 0) return <p className="muted">{t('pricing.noRules')}</p>;
  return (
    <>
      {retire.isError && <ErrorAlert error={retire.error} />}
      <div className="table-wrap">
        <table className="table">
          <caption>{t('pricing.rulesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pricing.appliesTo')}</th>
              <th scope="col">{t('pricing.target')}</th>
              <th scope="col">{t('pricing.terms')}</th>
              <th scope="col">{t('pricing.version')}</th>
              <th scope="col">{t('pricing.effectiveFrom')}</th>
              {manage && <th scope="col">{t('pricing.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-testid={PRICING_TID.ruleRow} data-scope={r.scope}>
                <th scope="row">{t(SCOPE_KEY[r.scope] ?? 'pricing.scope.partner')}</th>
                <td>{targetOf(r, customers, t)}</td>
                <td>{termsOf(r, f, t)}</td>
                <td>
                  {f.number(r.version)}
                  {r.pending &&
                    ` (${t('pricing.pending', { version: r.pending.version, date: f.date(r.pending.effectiveFrom) })})`}
                </td>
                <td>{f.date(r.effectiveFrom)}</td>
                {manage && (
                  <td>
                    <button
                      type="button"
                      className="button-secondary"
                      data-testid={PRICING_TID.retire}
                      disabled={retire.isPending}
                      onClick={() => retire.mutate(r.id)}
                    >
                      {t('pricing.retire')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function RuleForm({ customers }: { customers: readonly CustomerOption[] }) {
  const t = useT();
  const client = useQueryClient();
  const [scope, setScope] = useState<Scope>('partner');
  const [kind, setKind] = useState<Kind>('markup');
  const [percent, setPercent] = useState('10');
  const [category, setCategory] = useState('');
  const [offerId, setOfferId] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [usd, setUsd] = useState('');
  const [eur, setEur] = useState('');
  const [allowBelowCost, setAllowBelowCost] = useState(false);
  const [notice, setNotice] = useState<string>();
  const save = useMutation({
    mutationFn: (body: NewRule) => ok(api.POST('/v1/pricing/rules', { body })),
    onSuccess: async () => {
      setNotice(t('pricing.saved'));
      await client.invalidateQueries({ queryKey: ['pricing'] });
    },
  });
  const needsCustomer = scope === 'customer' || scope === 'customerOffer';
  const needsOffer = scope === 'offer' || scope === 'customerOffer';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice(undefined);
    const prices: Record<string, number> = {};
    const u = toMinor(usd);
    const e2 = toMinor(eur);
    if (u !== undefined) prices.USD = u;
    if (e2 !== undefined) prices.EUR = e2;
    const body: NewRule = {
      scope,
      kind,
      ...(kind === 'markup' || kind === 'discount' ? { percent: Number(percent.replace(',', '.')) } : {}),
      ...(kind === 'fixed' ? { prices } : {}),
      ...(scope === 'category' ? { category } : {}),
      ...(needsOffer ? { offerId } : {}),
      ...(needsCustomer ? { customerId: customerId || customers[0]?.id || '' } : {}),
      ...(allowBelowCost ? { allowBelowCost } : {}),
    };
    save.mutate(body);
  };
  return (
    <form className="form" onSubmit={submit} data-testid={PRICING_TID.ruleForm} noValidate>
      {save.isError && <ErrorAlert error={save.error} />}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <label className="field" htmlFor="rule-scope">
        <span>{t('pricing.appliesTo')}</span>
        <select id="rule-scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
          {SCOPES.map((s) => (
            <option key={s} value={s}>
              {t(SCOPE_KEY[s] ?? 'pricing.scope.partner')}
            </option>
          ))}
        </select>
      </label>
      {scope === 'category' && (
        <label className="field" htmlFor="rule-category">
          <span>{t('pricing.category')}</span>
          <input id="rule-category" value={category} onChange={(e) => setCategory(e.target.value)} />
        </label>
      )}
      {needsCustomer && (
        <label className="field" htmlFor="rule-customer">
          <span>{t('pricing.customer')}</span>
          <select
            id="rule-customer"
            value={customerId || customers[0]?.id || ''}
            onChange={(e) => setCustomerId(e.target.value)}
          >
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.companyProfile.companyName}
              </option>
            ))}
          </select>
        </label>
      )}
      {needsOffer && (
        <label className="field" htmlFor="rule-offer">
          <span>{t('pricing.offerId')}</span>
          <input id="rule-offer" value={offerId} onChange={(e) => setOfferId(e.target.value)} />
        </label>
      )}
      <label className="field" htmlFor="rule-kind">
        <span>{t('pricing.kind')}</span>
        <select id="rule-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(KIND_KEY[k] ?? 'pricing.kind.erp')}
            </option>
          ))}
        </select>
      </label>
      {(kind === 'markup' || kind === 'discount') && (
        <label className="field" htmlFor="rule-percent">
          <span>{t('pricing.percent')}</span>
          <input
            id="rule-percent"
            inputMode="decimal"
            value={percent}
            onChange={(e) => setPercent(e.target.value)}
          />
        </label>
      )}
      {kind === 'fixed' && (
        <>
          <label className="field" htmlFor="rule-usd">
            <span>{t('pricing.fixedPrice', { currency: 'USD' })}</span>
            <input id="rule-usd" inputMode="decimal" value={usd} onChange={(e) => setUsd(e.target.value)} />
          </label>
          <label className="field" htmlFor="rule-eur">
            <span>{t('pricing.fixedPrice', { currency: 'EUR' })}</span>
            <input id="rule-eur" inputMode="decimal" value={eur} onChange={(e) => setEur(e.target.value)} />
          </label>
        </>
      )}
      <label className="field checkbox" htmlFor="rule-below-cost">
        <input
          id="rule-below-cost"
          type="checkbox"
          checked={allowBelowCost}
          onChange={(e) => setAllowBelowCost(e.target.checked)}
        />
        <span>{t('pricing.allowBelowCost')}</span>
      </label>
      <button type="submit" className="button-primary" disabled={save.isPending}>
        {save.isPending ? t('common.saving') : t('pricing.save')}
      </button>
    </form>
  );
}

function PricePreview({ customerId }: { customerId: string }) {
  const t = useT();
  const f = useFormat();
  const preview = useQuery({
    queryKey: ['pricing', 'preview', customerId],
    queryFn: () => ok(api.GET('/v1/pricing/preview', { params: { query: { customerId } } })),
  });
  if (preview.isPending) return <Loading />;
  if (preview.isError) return <ErrorAlert error={preview.error} focus={false} />;
  const p = preview.data;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption>{t('pricing.previewCaption', { currency: p.currency })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('pricing.offer')}</th>
            <th scope="col" className="num">
              {t('pricing.erp')}
            </th>
            <th scope="col" className="num">
              {t('margin.cost')}
            </th>
            <th scope="col" className="num">
              {t('pricing.price')}
            </th>
            <th scope="col" className="num">
              {t('margin.margin')}
            </th>
            <th scope="col">{t('pricing.setBy')}</th>
          </tr>
        </thead>
        <tbody>
          {p.items.map((i) => (
            <tr key={i.offerId} data-testid={PRICING_TID.previewRow} data-offer={i.offerId}>
              <th scope="row">{i.offerName}</th>
              <td className="num">{f.money(i.erp, p.currency)}</td>
              <td className="num">{i.cost === null ? '—' : f.money(i.cost, p.currency)}</td>
              <td className="num" data-testid={PRICING_TID.previewPrice}>
                {f.money(i.price, p.currency)}
              </td>
              <td className="num">{i.margin === null ? '—' : f.money(i.margin, p.currency)}</td>
              <td data-testid={PRICING_TID.previewSource} data-scope={i.source.scope}>
                {t(SCOPE_KEY[i.source.scope] ?? 'pricing.scope.erp')}
                {i.source.version !== null && ` · v${i.source.version}`}
                {i.source.heldAtCost && ` (${t('pricing.heldAtCost')})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
