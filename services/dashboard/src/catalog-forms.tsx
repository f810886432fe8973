/**
 * The forms of the catalog screen: a name in Lao and English, a center (new or edited: name,
 * place, province), a service (new or edited: name, ministry), a topic (name only).
 */
import { useState } from 'preact/hooks';
import { tc } from './catalog-i18n';

export interface Name {
  lo: string;
  en: string;
}
export interface AdminCenter {
  code: string;
  province: string;
  level: 'province' | 'district';
  name: Name;
  place: Name;
  active: boolean;
}
export interface AdminService {
  code: string;
  name: Name;
  ministry: string;
  active: boolean;
}
export interface AdminTopic {
  code: string;
  name: Name;
  active: boolean;
}

type Save = (body: Record<string, unknown>) => Promise<boolean>;

/** Two text fields, Lao first: one name of an entry. */
function NameFields(props: {
  id: string;
  value: Name;
  onChange(v: Name): void;
  labels: [string, string];
  required?: boolean;
  hint?: string;
}) {
  return (
    <>
      {(['lo', 'en'] as const).map((l, i) => (
        <div class="field" key={l}>
          <label for={`${props.id}-${l}`}>{props.labels[i]}</label>
          <input
            id={`${props.id}-${l}`}
            lang={l}
            required={props.required !== false}
            maxLength={200}
            value={props.value[l]}
            aria-describedby={props.hint ? `${props.id}-hint` : undefined}
            onInput={(e) => props.onChange({ ...props.value, [l]: e.currentTarget.value })}
          />
        </div>
      ))}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </>
  );
}

function ProvinceSelect(props: {
  id: string;
  value: string;
  provinces: { code: string; label: string }[];
  onChange(v: string): void;
  hint?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>{tc('province')}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.provinces.map((p) => (
          <option key={p.code} value={p.code}>
            {p.label} ({p.code})
          </option>
        ))}
      </select>
      {props.hint && <p class="hint">{props.hint}</p>}
    </div>
  );
}

function Buttons(props: { submit: string; onCancel?: () => void }) {
  return (
    <div class="button-row">
      <button type="submit" class="primary">
        {props.submit}
      </button>
      {props.onCancel && (
        <button type="button" class="secondary" onClick={props.onCancel}>
          {tc('cancel')}
        </button>
      )}
    </div>
  );
}

const empty: Name = { lo: '', en: '' };
const filled = (n: Name) => n.lo.trim() !== '' || n.en.trim() !== '';

export function CenterForm(props: {
  center?: AdminCenter;
  provinces: { code: string; label: string }[];
  onSave: Save;
  onCancel?: () => void;
}) {
  const c = props.center;
  const id = c ? `center-${c.code}` : 'new-center';
  const [code, setCode] = useState('');
  const [level, setLevel] = useState<'province' | 'district'>('district');
  const [province, setProvince] = useState(c?.province ?? props.provinces[0]?.code ?? '');
  const [name, setName] = useState<Name>(c?.name ?? empty);
  const [place, setPlace] = useState<Name>(c?.place ?? empty);
  return (
    <form
      class="row-panel"
      data-form={id}
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = c
          ? { name, place, province }
          : { code: code.trim().toUpperCase(), level, province, name };
        if (!c && filled(place)) body.place = place;
        if ((await props.onSave(body)) && !c) {
          setCode('');
          setName(empty);
          setPlace(empty);
        }
      }}
    >
      {!c && (
        <>
          <div class="field">
            <label for={`${id}-code`}>{tc('code')}</label>
            <input
              id={`${id}-code`}
              required
              maxLength={50}
              autocapitalize="characters"
              value={code}
              aria-describedby={`${id}-code-hint`}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            <p class="hint" id={`${id}-code-hint`}>
              {tc('codeHintCenter')}
            </p>
          </div>
          <div class="field">
            <label for={`${id}-level`}>{tc('level')}</label>
            <select
              id={`${id}-level`}
              value={level}
              onChange={(e) => setLevel(e.currentTarget.value as 'province' | 'district')}
            >
              <option value="district">{tc('levelDistrict')}</option>
              <option value="province">{tc('levelProvince')}</option>
            </select>
          </div>
        </>
      )}
      <ProvinceSelect
        id={`${id}-province`}
        value={province}
        provinces={props.provinces}
        onChange={setProvince}
        hint={c ? tc('moveHint') : undefined}
      />
      <NameFields
        id={`${id}-name`}
        value={name}
        onChange={setName}
        labels={[tc('nameLo'), tc('nameEn')]}
      />
      <NameFields
        id={`${id}-place`}
        value={place}
        onChange={setPlace}
        labels={[tc('placeLo'), tc('placeEn')]}
        required={!!c}
        hint={tc('placeHint')}
      />
      <Buttons submit={c ? tc('save') : tc('addCenter')} onCancel={props.onCancel} />
    </form>
  );
}

export function ServiceForm(props: {
  service?: AdminService;
  onSave: Save;
  onCancel?: () => void;
}) {
  const s = props.service;
  const id = s ? `service-${s.code}` : 'new-service';
  const [code, setCode] = useState('');
  const [name, setName] = useState<Name>(s?.name ?? empty);
  const [ministry, setMinistry] = useState(s?.ministry ?? '');
  return (
    <form
      class="row-panel"
      data-form={id}
      onSubmit={async (e) => {
        e.preventDefault();
        const body: Record<string, unknown> = s ? { name } : { code: code.trim(), name };
        if (ministry.trim()) body.ministry = ministry;
        if ((await props.onSave(body)) && !s) {
          setCode('');
          setName(empty);
          setMinistry('');
        }
      }}
    >
      {!s && (
        <div class="field">
          <label for={`${id}-code`}>{tc('code')}</label>
          <input
            id={`${id}-code`}
            required
            maxLength={50}
            autocapitalize="none"
            value={code}
            aria-describedby={`${id}-code-hint`}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <p class="hint" id={`${id}-code-hint`}>
            {tc('codeHintService')}
          </p>
        </div>
      )}
      <NameFields
        id={`${id}-name`}
        value={name}
        onChange={setName}
        labels={[tc('nameLo'), tc('nameEn')]}
      />
      <div class="field">
        <label for={`${id}-ministry`}>{tc('ministry')}</label>
        <input
          id={`${id}-ministry`}
          maxLength={200}
          value={ministry}
          onInput={(e) => setMinistry(e.currentTarget.value)}
        />
      </div>
      <Buttons submit={s ? tc('save') : tc('addService')} onCancel={props.onCancel} />
    </form>
  );
}

export function TopicForm(props: { topic: AdminTopic; onSave: Save; onCancel(): void }) {
  const [name, setName] = useState<Name>(props.topic.name);
  const id = `topic-${props.topic.code}`;
  return (
    <form
      class="row-panel"
      data-form={id}
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave({ name });
      }}
    >
      <NameFields
        id={`${id}-name`}
        value={name}
        onChange={setName}
        labels={[tc('nameLo'), tc('nameEn')]}
      />
      <Buttons submit={tc('save')} onCancel={props.onCancel} />
    </form>
  );
}
