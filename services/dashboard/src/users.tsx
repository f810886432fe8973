/**
 * Users (admin): who has access, with which role and centers; add someone with an initial
 * password, change a role or centers, disable or enable an account, reset a password.
 */
import { Fragment } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { formatDateTime } from './format';
import { label, t } from './i18n';
import { useSession } from './session';
import type { User } from './types';
import { CreateUser, EditUser, ResetPassword } from './users-forms';
import { Cell, Notice, useNotice } from './ui';

export function Users() {
  const { user: me, refreshStaff } = useSession();
  const [users, setUsers] = useState<User[] | null>(null);
  const [open, setOpen] = useState<{ id: string; what: 'edit' | 'password' } | null>(null);
  const [notice, show] = useNotice();

  const load = useCallback(
    () =>
      api.get<{ items: User[] }>('/users').then(
        (r) => setUsers(r.items),
        (e) => show('error', errorMessage(e)),
      ),
    // show() only sets state, so the first render's one serves for the screen's life
    [],
  );
  useEffect(() => void load(), [load]);

  const act = async (run: () => Promise<unknown>, ok: string) => {
    try {
      await run();
    } catch (e) {
      show('error', errorMessage(e));
      return false;
    }
    setOpen(null);
    await load();
    refreshStaff();
    show('ok', ok);
    return true;
  };
  const update = (id: string, body: Record<string, unknown>, ok = t('userSaved')) =>
    act(() => api.patch(`/users/${encodeURIComponent(id)}`, body), ok);

  return (
    <section class="users" data-screen="users">
      <h1 tabIndex={-1}>{t('usersTitle')}</h1>
      <Notice notice={notice} />
      <CreateUser act={(body) => act(() => api.post('/users', body), t('userCreated'))} />
      {!users ? (
        <p class="loading">{t('loading')}</p>
      ) : (
        <table class="rtable users-table">
          <thead>
            <tr>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('role')}</th>
              <th scope="col">{t('centers')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('createdAt')}</th>
              <th scope="col">{t('lastLogin')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <Fragment key={u.id}>
                <tr class={u.disabled ? 'is-disabled' : undefined} data-user={u.email}>
                  <td class="col-code">
                    <strong>{u.email}</strong>{' '}
                    {u.id === me.id && <span class="sub">{t('you')}</span>}
                  </td>
                  <Cell label={t('role')}>{label('role', u.role)}</Cell>
                  <Cell label={t('centers')}>
                    {u.centers.length ? (
                      u.centers.join(', ')
                    ) : (
                      <span class="muted">{t('allCenters')}</span>
                    )}
                  </Cell>
                  <Cell label={t('status')}>
                    <span class={`badge ${u.disabled ? 'badge-disabled' : 'badge-active'}`}>
                      {u.disabled ? t('disabled') : t('active')}
                    </span>
                  </Cell>
                  <Cell label={t('createdAt')}>{formatDateTime(u.createdAt)}</Cell>
                  <Cell label={t('lastLogin')}>
                    {u.lastLoginAt ? formatDateTime(u.lastLoginAt) : t('never')}
                  </Cell>
                  <Cell label={t('actions')} class="row-actions">
                    <button
                      type="button"
                      class="secondary"
                      aria-expanded={open?.id === u.id && open.what === 'edit'}
                      onClick={() => setOpen({ id: u.id, what: 'edit' })}
                    >
                      {t('edit')}
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      aria-expanded={open?.id === u.id && open.what === 'password'}
                      onClick={() => setOpen({ id: u.id, what: 'password' })}
                    >
                      {t('resetPassword')}
                    </button>
                    {u.id !== me.id && (
                      <button
                        type="button"
                        class={u.disabled ? 'secondary' : 'danger'}
                        onClick={() => update(u.id, { disabled: !u.disabled })}
                      >
                        {u.disabled ? t('enable') : t('disable')}
                      </button>
                    )}
                  </Cell>
                </tr>
                {open?.id === u.id && (
                  <tr class="panel-row">
                    <td colSpan={7}>
                      {open.what === 'edit' ? (
                        <EditUser
                          user={u}
                          onCancel={() => setOpen(null)}
                          onSave={(b) => update(u.id, b)}
                        />
                      ) : (
                        <ResetPassword
                          onCancel={() => setOpen(null)}
                          onSave={(password) => update(u.id, { password }, t('passwordReset'))}
                        />
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
