/**
 * The alert rules under the alerts: each rule's kind, its parameters in words, the centers it
 * watches and whether it is on. Admins switch a rule on or off (a switch: role=switch with the
 * words "On"/"Off", never colour alone), edit its parameters and centers in a row that opens under
 * it, and add a rule; everyone else reads them. Every change is a PATCH or POST the API audits.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { ruleWords } from './alert-format';
import { RuleForm, type RuleBody } from './alert-rule-form';
import { api, errorMessage } from './api';
import { t } from './i18n';
import { ti, tl } from './insight-i18n';
import type { AlertRule } from './insight-types';
import { catalogNames, useSession } from './session';
import { Cell, Notice, useNotice } from './ui';

export function AlertRules({
  rules,
  onChanged,
}: {
  rules: AlertRule[] | null;
  /** Reloads the rules after a change. */
  onChanged(): Promise<unknown>;
}) {
  const { isAdmin, catalog } = useSession();
  const names = catalogNames(catalog);
  const [editing, setEditing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  /** Changes on each rule added, so the next form starts empty. */
  const [formKey, setFormKey] = useState(0);
  const [notice, show] = useNotice();
  const path = (id: string) => `/alerts/rules/${encodeURIComponent(id)}`;

  const toggle = async (r: AlertRule) => {
    setBusy(r.id);
    try {
      await api.patch(path(r.id), { active: !r.active });
      await onChanged();
      show('ok', r.active ? ti('rlSwitchedOff') : ti('rlSwitchedOn'));
    } catch (e) {
      show('error', errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const save = async (r: AlertRule, body: RuleBody) => {
    await api.patch(path(r.id), body);
    setEditing(null);
    await onChanged();
    show('ok', ti('rlSaved'));
  };
  const add = async (body: RuleBody) => {
    await api.post('/alerts/rules', body);
    setAdding(false);
    setFormKey((k) => k + 1);
    await onChanged();
    show('ok', ti('rlAdded'));
  };
  const nameOf = (r: AlertRule) => `${tl('alertKind', r.kind)}: ${ruleWords(r)}`;

  return (
    <section class="rules" aria-labelledby="h-rules">
      <h2 id="h-rules">{ti('rlTitle')}</h2>
      {!isAdmin && (
        <p class="sub" data-readonly="rules">
          {ti('rlReadOnly')}
        </p>
      )}
      <Notice notice={notice} />
      {!rules ? (
        <p class="loading">{t('loading')}</p>
      ) : (
        <table class="rtable rules-table">
          <caption class="visually-hidden">{ti('rlTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{ti('alKind')}</th>
              <th scope="col">{ti('rlConditions')}</th>
              <th scope="col">{ti('rlCenters')}</th>
              <th scope="col">{ti('rlActive')}</th>
              {isAdmin && <th scope="col">{t('actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <Fragment key={r.id}>
                <tr data-rule={r.id} class={r.active ? undefined : 'is-disabled'}>
                  <th scope="row" class="col-kind">
                    {tl('alertKind', r.kind)}
                  </th>
                  <Cell label={ti('rlConditions')} class="col-conditions">
                    {ruleWords(r)}
                  </Cell>
                  <Cell label={ti('rlCenters')}>
                    {r.centers.length ? (
                      r.centers.map((c) => names.center(c)).join(', ')
                    ) : (
                      <span class="muted">{ti('alEveryCenter')}</span>
                    )}
                  </Cell>
                  <Cell label={ti('rlActive')} class="col-active">
                    {isAdmin ? (
                      <button
                        type="button"
                        role="switch"
                        class="switch"
                        aria-checked={r.active}
                        aria-label={ti('rlSwitch', { rule: nameOf(r) })}
                        disabled={busy === r.id}
                        onClick={() => toggle(r)}
                      >
                        <span class="switch-track" aria-hidden="true">
                          <span class="switch-thumb" />
                        </span>
                        <span class="switch-text">{r.active ? ti('rlOn') : ti('rlOff')}</span>
                      </button>
                    ) : (
                      <span
                        class={`badge ${r.active ? 'badge-active' : 'badge-disabled'}`}
                        data-active={String(r.active)}
                      >
                        {r.active ? ti('rlOn') : ti('rlOff')}
                      </span>
                    )}
                  </Cell>
                  {isAdmin && (
                    <Cell label={t('actions')} class="row-actions">
                      <button
                        type="button"
                        class="secondary"
                        aria-expanded={editing === r.id}
                        aria-label={ti('rlEditOf', { rule: nameOf(r) })}
                        onClick={() => setEditing(editing === r.id ? null : r.id)}
                      >
                        {t('edit')}
                      </button>
                    </Cell>
                  )}
                </tr>
                {editing === r.id && (
                  <tr class="panel-row">
                    <td colSpan={5}>
                      <RuleForm
                        id={`rule-${r.id}`}
                        rule={r}
                        submitLabel={t('save')}
                        onSubmit={(body) => save(r, body)}
                        onCancel={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && (
        <details
          class="card add-rule"
          open={adding}
          onToggle={(e) => setAdding((e.currentTarget as HTMLDetailsElement).open)}
        >
          <summary>{ti('rlAdd')}</summary>
          <RuleForm key={formKey} id="new-rule" submitLabel={ti('rlAdd')} onSubmit={add} />
        </details>
      )}
    </section>
  );
}
