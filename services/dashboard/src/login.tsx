/**
 * The login form. Wrong credentials and a disabled account both answer 401 (the API does not say
 * which); too many failures answer 429 with Retry-After, shown as minutes to wait.
 */
import { useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import { t } from './i18n';
import type { Me } from './types';

export function Login({ expired, onLogin }: { expired?: boolean; onLogin: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(expired ? t('errUNAUTHENTICATED') : null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api.post<Me>('/auth/login', { email: email.trim(), password });
      setPassword('');
      onLogin(me);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <section class="card login" data-screen="login">
      <h1 tabIndex={-1}>{t('loginTitle')}</h1>
      <p class="hint">{t('odsc')}</p>
      {error && (
        <p class="notice notice-error" role="alert" id="login-error">
          {error}
        </p>
      )}
      <form onSubmit={submit}>
        <div class="field">
          <label for="login-email">{t('email')}</label>
          <input
            id="login-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-describedby={error ? 'login-error' : undefined}
          />
        </div>
        <div class="field">
          <label for="login-password">{t('password')}</label>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('loggingIn') : t('loginButton')}
        </button>
      </form>
    </section>
  );
}
