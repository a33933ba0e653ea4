import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorAlert, Loading } from '../components/common.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import { SEGMENT_KEY } from '../components/labels.ts';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';

const PAGE_SIZES = [25, 50, 100];
const SEARCH_DELAY_MS = 250;

/**
 * Dashboard → Customers: a page at a time with the API's keyset paging (continuation tokens, so that the
 * 200th page costs what the first does), and a prefix search on company name or domain as you type.
 */
export function Customers() {
  const t = useT();
  const f = useFormat();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const [typed, setTyped] = useState(search);
  const [size, setSize] = useState(PAGE_SIZES[0] as number);
  // tokens[i] opens page i; the first page needs none. Reset whenever the search or the size changes.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const page = tokens.length - 1;
  const searchId = useId();

  useEffect(() => {
    if (typed === search) return;
    const timer = setTimeout(() => {
      setParams(typed ? { q: typed } : {}, { replace: true });
      setTokens([undefined]);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, search, setParams]);

  const token = tokens[page];
  const query = useQuery({
    queryKey: keys.customers(search, size, token),
    // The answer carries the page it is, so that while the next page loads the list and its
    // "26–50 of 3,000" both still describe what is on screen.
    queryFn: async () => ({
      ...(await ok(
        api.GET('/v1/customers', {
          params: {
            query: {
              size,
              ...(search ? { search } : {}),
              ...(token ? { continuationToken: token } : {}),
            },
          },
        }),
      )),
      page,
      size,
    }),
    placeholderData: keepPreviousData,
  });

  const data = query.data;
  const first = (data?.page ?? 0) * (data?.size ?? size) + 1;
  const last = first - 1 + (data?.items.length ?? 0);
  const loading = query.isFetching || query.isPlaceholderData;

  return (
    <>
      <div className="page-head page-head-row">
        <div>
          <h1>{t('customers.title')}</h1>
          <p className="muted">{t('customers.lead')}</p>
        </div>
        {can('customers.create') && (
          <Link className="button-primary" to="/customers/new">
            {t('customers.new')}
          </Link>
        )}
      </div>
      <div className="toolbar">
        <div className="field field-inline search">
          <label htmlFor={searchId}>{t('customers.search')}</label>
          <input
            id={searchId}
            type="search"
            value={typed}
            autoComplete="off"
            placeholder={t('customers.searchPlaceholder')}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor="page-size">{t('customers.pageSize')}</label>
          <select
            id="page-size"
            value={size}
            onChange={(e) => {
              setSize(Number(e.target.value));
              setTokens([undefined]);
            }}
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {f.number(s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {query.isError && <ErrorAlert error={query.error} focus={false} />}
      {query.isPending ? (
        <Loading />
      ) : data && data.items.length === 0 ? (
        <p className="empty">{search ? t('customers.noMatch', { search }) : t('customers.none')}</p>
      ) : data ? (
        <div className="table-wrap" aria-busy={loading}>
          <table>
            <caption className="visually-hidden">{t('customers.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('customers.company')}</th>
                <th scope="col">{t('customers.domain')}</th>
                <th scope="col">{t('customers.country')}</th>
                <th scope="col">{t('customers.segment')}</th>
                <th scope="col">{t('customers.since')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => {
                const segment = SEGMENT_KEY[c.segment];
                return (
                  <tr key={c.id} data-testid={TID.customerRow}>
                    <th scope="row">
                      <Link to={`/customers/${c.id}`}>{c.companyProfile.companyName}</Link>
                    </th>
                    <td>{c.companyProfile.domain}</td>
                    <td>{f.country(c.billingProfile.defaultAddress.country)}</td>
                    <td>{segment ? t(segment) : c.segment}</td>
                    <td className="nowrap">{f.date(c.accountOpenedAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && data.items.length > 0 && (
        <nav className="pager" aria-label={t('pager.label')}>
          <p data-testid={TID.pagerStatus} aria-live="polite">
            {t('pager.status', {
              first: f.number(first),
              last: f.number(last),
              total: f.number(data.totalCount),
            })}
          </p>
          <div className="actions">
            <button
              type="button"
              disabled={page === 0 || loading}
              onClick={() => setTokens((s) => s.slice(0, -1))}
            >
              {t('pager.previous')}
            </button>
            <button
              type="button"
              disabled={!data.continuationToken || loading}
              onClick={() => setTokens((s) => [...s, data.continuationToken])}
            >
              {t('pager.next')}
            </button>
          </div>
        </nav>
      )}
    </>
  );
}
