import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, newRequestId, ok } from '../api/client.ts';
import { describedBy, ErrorAlert, Field } from '../components/common.tsx';
import { QUALIFICATION_KEY } from '../components/labels.ts';
import { useFormat, useLocale, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { COUNTRY_CODES } from '../logic/countries.ts';
import { partnerText } from '../logic/partner-text.ts';
import {
  CULTURES,
  customerBody,
  customerProblems,
  EMPTY_CUSTOMER,
  fieldOfError,
  QUALIFICATIONS,
  type CustomerField,
  type CustomerForm,
} from '../logic/customer-form.ts';

const LABEL: Record<Exclude<CustomerField, 'qualification'>, MessageKey> = {
  companyName: 'customer.companyName',
  domain: 'customer.domain',
  firstName: 'customer.firstName',
  lastName: 'customer.lastName',
  email: 'customer.email',
  culture: 'customer.culture',
  country: 'customer.country',
  addressLine1: 'customer.addressLine1',
  city: 'customer.city',
  postalCode: 'customer.postalCode',
  state: 'customer.state',
};

/** Create a customer (R-CUS-1) with its billing profile and, optionally, a qualification (R-CUS-2). */
export function NewCustomer() {
  const t = useT();
  const f = useFormat();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [form, setForm] = useState<CustomerForm>(EMPTY_CUSTOMER);
  const [problems, setProblems] = useState<Partial<Record<CustomerField, string>>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const requestId = useRef(newRequestId());
  const { locale } = useLocale();
  const languageNames = useMemo(() => new Intl.DisplayNames([locale], { type: 'language' }), [locale]);
  const countries = useMemo(
    () =>
      COUNTRY_CODES.map((code) => ({ code, name: f.country(code) })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    [f],
  );

  const set = (field: CustomerField) => (value: string) => {
    setForm((s) => ({ ...s, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const found = customerProblems(form);
    const shown = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, t(v)]));
    setProblems(shown);
    const firstBad = Object.keys(found)[0];
    if (firstBad) {
      document.getElementById(`customer-${firstBad}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      // The customer and its qualification are one act on the server: refused, neither exists.
      const customer = await ok(
        api.POST('/v1/customers', {
          body: {
            ...customerBody(form),
            ...(form.qualification ? { qualifications: [form.qualification] } : {}),
          },
          headers: { 'MS-RequestId': requestId.current },
        }),
      );
      await client.invalidateQueries({ queryKey: ['customers'] });
      void navigate(`/customers/${customer.id}/subscriptions`, { state: { notice: 'customer.created' } });
    } catch (err) {
      setBusy(false);
      // Every refusal gets a new request id for the next try: the corrected form is another request (R-API-2).
      requestId.current = newRequestId();
      if (err instanceof ApiError) {
        const field = fieldOfError(err.body.data, err.code);
        if (field) {
          setProblems((p) => ({ ...p, [field]: partnerText(err.body.description) }));
          document.getElementById(`customer-${field}`)?.focus();
          return;
        }
      }
      setError(err);
    }
  };

  const input = (field: Exclude<CustomerField, 'qualification' | 'culture' | 'country'>, attrs = {}) => {
    const id = `customer-${field}`;
    return (
      <Field id={id} label={t(LABEL[field])} problem={problems[field]}>
        <input
          {...describedBy(id, undefined, problems[field])}
          value={form[field]}
          onChange={(e) => set(field)(e.target.value)}
          {...attrs}
        />
      </Field>
    );
  };

  return (
    <>
      <nav className="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
        <Link to="/customers">{t('nav.customers')}</Link>
      </nav>
      <div className="page-head">
        <h1>{t('customer.newTitle')}</h1>
        <p className="muted">{t('customer.newLead')}</p>
      </div>
      <ErrorAlert error={error} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>{t('customer.company')}</legend>
          <div className="grid-2">
            {input('companyName', { required: true, autoComplete: 'organization' })}
            {input('domain', {
              required: true,
              spellCheck: false,
              placeholder: t('customer.domainPlaceholder'),
            })}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('customer.contact')}</legend>
          <div className="grid-2">
            {input('firstName', { required: true, autoComplete: 'given-name' })}
            {input('lastName', { required: true, autoComplete: 'family-name' })}
            {input('email', { required: true, type: 'email', autoComplete: 'email' })}
            <Field id="customer-culture" label={t(LABEL.culture)} hint={t('customer.cultureHint')}>
              <select
                {...describedBy('customer-culture', true, undefined)}
                value={form.culture}
                onChange={(e) => set('culture')(e.target.value)}
              >
                {CULTURES.map((c) => (
                  <option key={c} value={c}>
                    {languageNames.of(c) ?? c}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('customer.address')}</legend>
          <div className="grid-2">
            <Field id="customer-country" label={t(LABEL.country)} problem={problems.country}>
              <select
                {...describedBy('customer-country', undefined, problems.country)}
                required
                value={form.country}
                onChange={(e) => set('country')(e.target.value)}
              >
                <option value="">{t('customer.chooseCountry')}</option>
                {countries.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
            {input('addressLine1', { required: true, autoComplete: 'address-line1' })}
            {input('city', { required: true, autoComplete: 'address-level2' })}
            {input('postalCode', { autoComplete: 'postal-code' })}
            {input('state', { autoComplete: 'address-level1' })}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('customer.qualification')}</legend>
          <p className="hint">{t('customer.qualificationHint')}</p>
          {problems.qualification && (
            <p className="problem" id="customer-qualification-problem">
              {problems.qualification}
            </p>
          )}
          <div className="choices">
            <label className="choice">
              <input
                type="radio"
                name="qualification"
                value=""
                id="customer-qualification"
                checked={form.qualification === ''}
                onChange={() => set('qualification')('')}
              />
              {t('qualification.none')}
            </label>
            {QUALIFICATIONS.map((q) => (
              <label className="choice" key={q}>
                <input
                  type="radio"
                  name="qualification"
                  value={q}
                  checked={form.qualification === q}
                  onChange={() => set('qualification')(q)}
                />
                {t(QUALIFICATION_KEY[q] as MessageKey)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('customer.create')}
          </button>
          <Link className="button-quiet" to="/customers">
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
