/**
 * The form of an alert rule: its kind (when adding), the kind's parameters (the share threshold
 * typed in %, digits Lao or Western), the centers it watches (none: all) and, when adding, whether
 * it starts active. A number that is not one is caught here; the API's 422 details are shown
 * beside the field they name (`params.days` beside "days"), the rest above the button.
 */
import { useState } from 'preact/hooks';
import { fieldMessage, paramToText, textToParam } from './alert-format';
import { ApiError, errorMessage } from './api';
import { pick, t } from './i18n';
import { ti, tl, type InsightKey } from './insight-i18n';
import {
  ALERT_KINDS,
  PARAM_DEFAULTS,
  PARAMS_OF,
  type AlertKind,
  type AlertParams,
  type AlertRule,
} from './insight-types';
import { useSession } from './session';

export interface RuleBody {
  kind?: AlertKind;
  params: AlertParams;
  centers: string[];
  active?: boolean;
}

const PARAM_LABEL: Record<keyof AlertParams, InsightKey> = {
  threshold: 'pThreshold',
  days: 'pDays',
  minRated: 'pMinRated',
  percent: 'pPercent',
  minCount: 'pMinCount',
  hours: 'pHours',
};

type Texts = Partial<Record<keyof AlertParams, string>>;

function textsOf(kind: AlertKind, params: AlertParams): Texts {
  return Object.fromEntries(
    PARAMS_OF[kind].map((k) => [k, paramToText(k, params[k] ?? PARAM_DEFAULTS[k])]),
  );
}

export function RuleForm(props: {
  /** Prefix of the fields' ids. */
  id: string;
  /** The rule being edited; none: a new one. */
  rule?: AlertRule;
  submitLabel: string;
  /** Sends the body; rejects with the API's error. */
  onSubmit(body: RuleBody): Promise<unknown>;
  onCancel?(): void;
}) {
  const { catalog } = useSession();
  const [kind, setKind] = useState<AlertKind>(props.rule?.kind ?? 'satisfaction_below');
  const [texts, setTexts] = useState<Texts>(() => textsOf(kind, props.rule?.params ?? {}));
  const [centers, setCenters] = useState<string[]>(props.rule?.centers ?? []);
  const [active, setActive] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const sorted = [...catalog.centers].sort((a, b) => pick(a.name).localeCompare(pick(b.name)));

  // The first field with a problem takes the focus once its message is on screen.
  const focusFirst = (errs: Record<string, string>) => {
    const first = [...PARAMS_OF[kind], 'centers'].find((k) => errs[k]);
    if (!first) return;
    requestAnimationFrame(() => {
      const el = document.getElementById(`${props.id}-${first}`);
      (el instanceof HTMLInputElement ? el : el?.querySelector('input'))?.focus();
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const params: AlertParams = {};
    const mine: Record<string, string> = {};
    for (const k of PARAMS_OF[kind]) {
      const v = textToParam(k, texts[k] ?? '');
      if (v === null) mine[k] = ti('errNumber');
      else params[k] = v;
    }
    setErrors(mine);
    setGeneral(null);
    if (Object.keys(mine).length) return focusFirst(mine);
    setBusy(true);
    try {
      await props.onSubmit(props.rule ? { params, centers } : { kind, params, centers, active });
    } catch (err) {
      const byField: Record<string, string> = {};
      const rest: string[] = [];
      if (err instanceof ApiError && err.details.length) {
        for (const d of err.details) {
          const key = d.field.replace(/^params\./, '').replace(/^centers\..*/, 'centers');
          if ((PARAMS_OF[kind] as string[]).includes(key) || key === 'centers')
            byField[key] = fieldMessage(d.field, d.message);
          else rest.push(`${d.field} — ${d.message}`);
        }
      }
      setErrors(byField);
      focusFirst(byField);
      if (!Object.keys(byField).length || rest.length)
        setGeneral(
          rest.length ? `${t('errVALIDATION_FAILED')}: ${rest.join('; ')}` : errorMessage(err),
        );
    } finally {
      setBusy(false);
    }
  };

  const fid = (k: string) => `${props.id}-${k}`;
  return (
    <form class="rule-form" data-form={props.id} onSubmit={submit} noValidate>
      {!props.rule && (
        <div class="field">
          <label for={fid('kind')}>{ti('alKind')}</label>
          <select
            id={fid('kind')}
            value={kind}
            onChange={(e) => {
              const k = e.currentTarget.value as AlertKind;
              setKind(k);
              setTexts(textsOf(k, {}));
              setErrors({});
            }}
          >
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {tl('alertKind', k)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="rule-params">
        {PARAMS_OF[kind].map((k) => (
          <div class="field" key={k} data-param={k}>
            <label for={fid(k)}>{ti(PARAM_LABEL[k])}</label>
            <input
              id={fid(k)}
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={texts[k] ?? ''}
              aria-invalid={errors[k] ? true : undefined}
              aria-describedby={errors[k] ? `${fid(k)}-error` : `${props.id}-digits`}
              onInput={(e) => setTexts({ ...texts, [k]: e.currentTarget.value })}
            />
            {errors[k] && (
              <p class="field-error" id={`${fid(k)}-error`}>
                {errors[k]}
              </p>
            )}
          </div>
        ))}
      </div>
      <p class="hint" id={`${props.id}-digits`}>
        {ti('pNumberHint')}
      </p>
      <fieldset class="field checklist scroll" id={fid('centers')}>
        <legend>{ti('rlCenters')}</legend>
        <p class="hint">{ti('rlCentersHint')}</p>
        {errors.centers && <p class="field-error">{errors.centers}</p>}
        {sorted.map((c) => (
          <label class="check" key={c.code}>
            <input
              type="checkbox"
              value={c.code}
              checked={centers.includes(c.code)}
              onChange={(e) =>
                setCenters(
                  e.currentTarget.checked
                    ? [...centers, c.code]
                    : centers.filter((x) => x !== c.code),
                )
              }
            />
            <span>{pick(c.name)}</span>
          </label>
        ))}
      </fieldset>
      {!props.rule && (
        <label class="check">
          <input
            type="checkbox"
            id={fid('active')}
            checked={active}
            onChange={(e) => setActive(e.currentTarget.checked)}
          />
          <span>{ti('rlActive')}</span>
        </label>
      )}
      {general && (
        <p class="field-error" role="alert">
          {general}
        </p>
      )}
      <div class="button-row">
        <button type="submit" disabled={busy}>
          {busy ? t('loading') : props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {t('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
