import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { api, ApiError, newRequestId, ok, type Schemas } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { ErrorAlert, Field, Loading, Notice } from '../components/common.tsx';
import { useFormat, useT } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { accessSentence } from '../logic/access.ts';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';
import { useTabCustomer } from './CustomerPage.tsx';
import { subscriptionLabel } from '../logic/names.ts';
import { partnerText } from '../logic/partner-text.ts';

type Decision = Schemas['AccessDecision'];
interface UserRow {
  user: Schemas['CustomerUser'];
  licenses: Schemas['License'][];
  access: Decision | undefined;
}

const usersKey = (customerId: string) => ['customer', customerId, 'users'] as const;

/** The customer's users (first 100), each with the licences they hold and their access now (one batch). */
async function fetchUsers(customerId: string): Promise<UserRow[]> {
  const page = await ok(
    api.GET('/v1/customers/{customerId}/users', { params: { path: { customerId }, query: { size: 100 } } }),
  );
  const [licenses, decisions] = await Promise.all([
    Promise.all(
      page.items.map((u) =>
        ok(
          api.GET('/v1/customers/{customerId}/users/{userId}/licenses', {
            params: { path: { customerId, userId: u.id } },
          }),
        ),
      ),
    ),
    page.items.length === 0
      ? Promise.resolve({ items: [] as Decision[] })
      : ok(
          api.POST('/v1/accessdecisions/batch', {
            body: { requests: page.items.map((u) => ({ tenantId: customerId, userId: u.id })) },
          }),
        ),
  ]);
  return page.items.map((user, i) => ({
    user,
    licenses: licenses[i]?.items ?? [],
    access: decisions.items[i],
  }));
}

/** A decision in one sentence (R-ACC, R-SUS-2): state and why, what users and admins can do, until when. */
function AccessSummary({
  decision,
  retentionOf,
}: {
  decision: Decision;
  retentionOf: (subscriptionId: string) => string | null | undefined;
}) {
  const t = useT();
  const f = useFormat();
  const intl = useIntl();
  return (
    <span
      data-testid={TID.userAccess}
      data-reason={decision.signIn.reason}
      data-suspension-reasons={decision.signIn.suspensionReasons.join(' ')}
    >
      {accessSentence(decision, retentionOf, { t, date: f.date, list: (items) => intl.formatList(items) })}
    </span>
  );
}

/**
 * Customer users and licences (R-ACC): who, their role, their licences and their access now, with the
 * reason and the date it ends. Adding users, making admins and assigning licences need customerUsers.manage
 * and an instance that allows it (Germany is read-only for partners; US Government has no user management).
 */
export function UsersTab() {
  const t = useT();
  const customer = useTabCustomer();
  const { me, can } = useSession();
  const client = useQueryClient();
  const [notice, setNotice] = useState<MessageKey>();
  const [error, setError] = useState<unknown>();
  const cloud = me.instance.cloud;
  const available = cloud !== 'usgov';
  const editable = available && cloud !== 'germany' && can('customerUsers.manage');
  const users = useQuery({
    queryKey: usersKey(customer.id),
    queryFn: () => fetchUsers(customer.id),
    enabled: available,
  });
  // Also for the access sentences: a refused user's decision has no date, its subscription's retention has.
  const subscriptions = useQuery({
    queryKey: keys.subscriptions(customer.id),
    queryFn: () =>
      ok(
        api.GET('/v1/customers/{customerId}/subscriptions', {
          params: { path: { customerId: customer.id } },
        }),
      ),
    enabled: available,
  });
  const all = subscriptions.data?.items ?? [];
  const active = all.filter((s) => s.status === 'active');
  const retentionOf = (id: string) => all.find((s) => s.id === id)?.dataRetentionEndDate;
  // A held licence and a licence to pick are named alike: by their subscription.
  const licenseName = (l: Schemas['License']) => {
    const sub = all.find((s) => s.id === l.subscriptionId);
    return sub ? subscriptionLabel(sub) : l.productSku.name;
  };

  /** One change, then the list again (access depends on it). */
  const run = async (change: () => Promise<unknown>, done: MessageKey) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await change();
      await client.invalidateQueries({ queryKey: usersKey(customer.id) });
      setNotice(done);
    } catch (e) {
      setError(e);
    }
  };
  const updateLicenses = (userId: string, body: { assign?: string; remove?: string }) =>
    run(
      () =>
        ok(
          api.POST('/v1/customers/{customerId}/users/{userId}/licenseupdates', {
            params: { path: { customerId: customer.id, userId } },
            body: {
              ...(body.assign ? { licensesToAssign: [{ skuId: body.assign }] } : {}),
              ...(body.remove ? { licensesToRemove: [body.remove] } : {}),
            },
            headers: { 'MS-RequestId': newRequestId() },
          }),
        ),
      body.assign ? 'users.licenceAssigned' : 'users.licenceRemoved',
    );
  const setRole = (userId: string, role: 'admin' | 'user') =>
    run(
      () =>
        ok(
          api.PATCH('/v1/customers/{customerId}/users/{userId}', {
            params: { path: { customerId: customer.id, userId } },
            body: { role },
            headers: { 'MS-RequestId': newRequestId() },
          }),
        ),
      role === 'admin' ? 'users.madeAdmin' : 'users.madeUser',
    );

  if (!available) return <p className="muted">{t('users.unavailable')}</p>;
  return (
    <section aria-labelledby="users-title">
      <div className="section-head">
        <h2 id="users-title">{t('users.title')}</h2>
      </div>
      {!editable && (
        <p className="muted">{cloud === 'germany' ? t('users.readOnlyInstance') : t('users.readOnly')}</p>
      )}
      {notice && <Notice>{t(notice)}</Notice>}
      <ErrorAlert error={error} />
      {users.isPending || subscriptions.isPending ? (
        <Loading />
      ) : users.isError || subscriptions.isError ? (
        <ErrorAlert error={users.error ?? subscriptions.error} focus={false} />
      ) : users.data.length === 0 ? (
        <p className="muted">{t('users.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table users-table">
            <caption className="visually-hidden">{t('users.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('users.user')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.licences')}</th>
                <th scope="col">{t('users.access')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map(({ user, licenses, access }) => (
                <tr key={user.id} data-testid={TID.userRow} data-upn={user.userPrincipalName}>
                  <th scope="row">
                    {user.displayName}
                    <br />
                    <span className="muted">{user.userPrincipalName}</span>
                  </th>
                  <td>
                    {user.role === 'admin' ? t('users.role.admin') : t('users.role.user')}
                    {editable && (
                      <>
                        <br />
                        <button
                          type="button"
                          className="button-quiet"
                          onClick={() => void setRole(user.id, user.role === 'admin' ? 'user' : 'admin')}
                        >
                          {user.role === 'admin'
                            ? t('users.makeUser', { name: user.displayName })
                            : t('users.makeAdmin', { name: user.displayName })}
                        </button>
                      </>
                    )}
                  </td>
                  <td className="licences-cell">
                    {licenses.length === 0 ? (
                      <span className="muted">{t('users.noLicences')}</span>
                    ) : (
                      <ul className="plain-list">
                        {licenses.map((l) => (
                          <li key={l.subscriptionId} data-testid={TID.userLicense}>
                            {licenseName(l)}{' '}
                            {editable && (
                              <button
                                type="button"
                                className="button-quiet"
                                onClick={() => void updateLicenses(user.id, { remove: l.productSku.id })}
                              >
                                {t('users.removeLicence', {
                                  name: licenseName(l),
                                  user: user.displayName,
                                })}
                              </button>
                            )}
                          </li>
                        ))}
                      </ul>
                    )}
                    {editable && active.length > 0 && (
                      <AssignLicense
                        userId={user.id}
                        userName={user.displayName}
                        options={active.filter((s) => !licenses.some((l) => l.subscriptionId === s.id))}
                        onAssign={(subscriptionId) =>
                          void updateLicenses(user.id, { assign: subscriptionId })
                        }
                      />
                    )}
                  </td>
                  <td className="access-cell">
                    {access ? <AccessSummary decision={access} retentionOf={retentionOf} /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && (
        <AddUser
          domain={customer.companyProfile.domain}
          onAdd={async (body) => {
            setError(undefined);
            setNotice(undefined);
            await ok(
              api.POST('/v1/customers/{customerId}/users', {
                params: { path: { customerId: customer.id } },
                body,
                headers: { 'MS-RequestId': newRequestId() },
              }),
            );
            await client.invalidateQueries({ queryKey: usersKey(customer.id) });
            setNotice('users.added');
          }}
        />
      )}
    </section>
  );
}

function AssignLicense({
  userId,
  userName,
  options,
  onAssign,
}: {
  userId: string;
  userName: string;
  options: { id: string; friendlyName: string; offerName: string }[];
  onAssign: (subscriptionId: string) => void;
}) {
  const t = useT();
  const [choice, setChoice] = useState('');
  if (options.length === 0) return null;
  const id = `assign-${userId}`;
  return (
    <div className="inline-form">
      <label htmlFor={id}>{t('users.assignFrom', { user: userName })}</label>
      <select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">{t('users.chooseSubscription')}</option>
        {options.map((s) => (
          <option key={s.id} value={s.id}>
            {subscriptionLabel(s)}
          </option>
        ))}
      </select>
      <button type="button" disabled={!choice} onClick={() => onAssign(choice)}>
        {t('users.assign', { user: userName })}
      </button>
    </div>
  );
}

/** The add-user field a refusal's `data` names (`userPrincipalName`, `displayName`), if any. */
function fieldOf(data: readonly unknown[]): 'name' | 'displayName' | undefined {
  for (const item of data) {
    const field = (item as { field?: unknown } | null)?.field;
    if (typeof field !== 'string') continue;
    if (/userPrincipalName$/i.test(field)) return 'name';
    if (/displayName$/i.test(field)) return 'displayName';
  }
  return undefined;
}

function AddUser({
  domain,
  onAdd,
}: {
  domain: string;
  onAdd: (body: { userPrincipalName: string; displayName: string; role: string }) => Promise<void>;
}) {
  const t = useT();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<'admin' | 'user'>('user');
  const [checked, setChecked] = useState(false);
  const busy = useRef(false);
  const [error, setError] = useState<unknown>();
  const [serverProblem, setServerProblem] = useState<{
    name?: string | undefined;
    displayName?: string | undefined;
  }>({});
  const nameProblem =
    checked && !/^[A-Za-z0-9._-]+$/.test(name) ? t('users.nameProblem') : serverProblem.name;
  const displayProblem =
    checked && displayName.trim() === '' ? t('form.required') : serverProblem.displayName;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (!/^[A-Za-z0-9._-]+$/.test(name) || displayName.trim() === '' || busy.current) return;
    busy.current = true;
    setError(undefined);
    setServerProblem({});
    try {
      await onAdd({ userPrincipalName: `${name}@${domain}`, displayName: displayName.trim(), role });
      setName('');
      setDisplayName('');
      setChecked(false);
    } catch (err) {
      // Refused: what was typed stays, and the reason shows by the field it is about, else on this form.
      const field = err instanceof ApiError ? fieldOf(err.body.data) : undefined;
      if (err instanceof ApiError && field) setServerProblem({ [field]: partnerText(err.body.description) });
      else setError(err);
    } finally {
      busy.current = false;
    }
  };
  return (
    <form className="panel" aria-labelledby="add-user-title" onSubmit={(e) => void submit(e)} noValidate>
      <h3 id="add-user-title">{t('users.addTitle')}</h3>
      <ErrorAlert error={error} />
      <Field
        id="user-name"
        label={t('users.userName')}
        hint={t('users.userNameHint', { domain })}
        problem={nameProblem}
      >
        <input
          id="user-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setServerProblem((p) => ({ ...p, name: undefined }));
          }}
          aria-describedby={nameProblem ? 'user-name-hint user-name-problem' : 'user-name-hint'}
          aria-invalid={nameProblem ? true : undefined}
        />
      </Field>
      <Field id="user-display" label={t('users.displayName')} problem={displayProblem}>
        <input
          id="user-display"
          value={displayName}
          onChange={(e) => {
            setDisplayName(e.target.value);
            setServerProblem((p) => ({ ...p, displayName: undefined }));
          }}
          {...(displayProblem ? { 'aria-describedby': 'user-display-problem', 'aria-invalid': true } : {})}
        />
      </Field>
      <Field id="user-role" label={t('users.role')}>
        <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'user')}>
          <option value="user">{t('users.role.user')}</option>
          <option value="admin">{t('users.role.admin')}</option>
        </select>
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary">
          {t('users.add')}
        </button>
      </div>
    </form>
  );
}
