/** The forms of the Users screen: add a user, edit a role and centers, reset a password. */
import { useState } from 'preact/hooks';
import { label, pick, t } from './i18n';
import { useSession } from './session';
import { ROLES, type Role, type User } from './types';

/** The centers a center manager looks after, as checkboxes (easier than a multiple select). */
function CenterPicker(props: { id: string; value: string[]; onChange(v: string[]): void }) {
  const { catalog } = useSession();
  const sorted = [...catalog.centers].sort((a, b) => pick(a.name).localeCompare(pick(b.name)));
  return (
    <fieldset class="field checklist scroll" id={props.id}>
      <legend>{t('centers')}</legend>
      <p class="hint">{t('centersHint')}</p>
      {sorted.map((c) => (
        <label class="check" key={c.code}>
          <input
            type="checkbox"
            value={c.code}
            checked={props.value.includes(c.code)}
            onChange={(e) =>
              props.onChange(
                e.currentTarget.checked
                  ? [...props.value, c.code]
                  : props.value.filter((x) => x !== c.code),
              )
            }
          />
          <span>{pick(c.name)}</span>
        </label>
      ))}
    </fieldset>
  );
}

function RoleSelect(props: { id: string; value: Role; onChange(r: Role): void }) {
  return (
    <div class="field">
      <label for={props.id}>{t('role')}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value as Role)}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {label('role', r)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CreateUser({ act }: { act: (body: Record<string, unknown>) => Promise<boolean> }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('taskforce');
  const [centers, setCenters] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  return (
    <details class="card create-user">
      <summary>{t('createUser')}</summary>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const body = { email: email.trim(), role, centers, password };
          if (await act(body)) {
            setEmail('');
            setPassword('');
            setCenters([]);
          }
        }}
      >
        <div class="field">
          <label for="new-email">{t('email')}</label>
          <input
            id="new-email"
            type="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <RoleSelect id="new-role" value={role} onChange={setRole} />
        <CenterPicker id="new-centers" value={centers} onChange={setCenters} />
        <div class="field">
          <label for="new-password">{t('initialPassword')}</label>
          <input
            id="new-password"
            type="password"
            autocomplete="new-password"
            minLength={10}
            required
            value={password}
            aria-describedby="new-password-hint"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p class="hint" id="new-password-hint">
            {t('passwordHint')}
          </p>
        </div>
        <button type="submit" class="primary">
          {t('createUser')}
        </button>
      </form>
    </details>
  );
}

export function EditUser(props: {
  user: User;
  onCancel(): void;
  onSave(body: Record<string, unknown>): void;
}) {
  const [role, setRole] = useState<Role>(props.user.role);
  const [centers, setCenters] = useState<string[]>(props.user.centers);
  const id = `edit-${props.user.id}`;
  return (
    <form
      class="row-panel"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave({ role, centers });
      }}
    >
      <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
      <CenterPicker id={`${id}-centers`} value={centers} onChange={setCenters} />
      <div class="button-row">
        <button type="submit">{t('save')}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function ResetPassword(props: { onCancel(): void; onSave(password: string): void }) {
  const [password, setPassword] = useState('');
  return (
    <form
      class="row-panel"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(password);
      }}
    >
      <div class="field">
        <label for="reset-password">{t('newPassword')}</label>
        <input
          id="reset-password"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <p class="hint">{t('passwordHint')}</p>
      </div>
      <div class="button-row">
        <button type="submit">{t('save')}</button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
