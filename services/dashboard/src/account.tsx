/** My account: change my password (at least 10 characters; my other sessions end). */
import { useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { label, t } from './i18n';
import { useSession } from './session';
import { Notice, useNotice } from './ui';

const MIN_LENGTH = 10;

export function Account() {
  const { user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, show] = useNotice();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (next.length < MIN_LENGTH) return show('error', t('passwordTooShort'));
    if (next !== confirm) return show('error', t('passwordsDiffer'));
    setBusy(true);
    try {
      await api.post('/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      show('ok', t('passwordChanged'));
    } catch (err) {
      show('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (
    id: string,
    text: string,
    value: string,
    set: (v: string) => void,
    auto: string,
  ) => (
    <div class="field">
      <label for={id}>{text}</label>
      <input
        id={id}
        type="password"
        autocomplete={auto}
        required
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </div>
  );

  return (
    <section class="account" data-screen="account">
      <h1 tabIndex={-1}>{t('accountTitle')}</h1>
      <dl class="details card">
        <dt>{t('email')}</dt>
        <dd>{user.email}</dd>
        <dt>{t('role')}</dt>
        <dd>{label('role', user.role)}</dd>
        <dt>{t('centers')}</dt>
        <dd>{user.centers.length ? user.centers.join(', ') : t('allCenters')}</dd>
      </dl>
      <form class="card narrow" onSubmit={submit}>
        <h2>{t('changePassword')}</h2>
        <Notice notice={notice} />
        {input('pw-current', t('currentPassword'), current, setCurrent, 'current-password')}
        {input('pw-new', t('newPassword'), next, setNext, 'new-password')}
        <p class="hint">{t('passwordHint')}</p>
        {input('pw-confirm', t('confirmPassword'), confirm, setConfirm, 'new-password')}
        <button type="submit" class="primary" disabled={busy}>
          {t('changePassword')}
        </button>
      </form>
    </section>
  );
}
