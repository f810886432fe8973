/**
 * The catalog (admin): every center, service and topic with its Lao and English names, switched on
 * or off. Add a center or a service, rename any entry, move a center to another province, switch
 * an entry off or on again (docs/catalog.md). Codes never change and nothing is deleted.
 */
import { Fragment, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from './api';
import {
  CenterForm,
  ServiceForm,
  TopicForm,
  type AdminCenter,
  type AdminService,
  type AdminTopic,
  type Name,
} from './catalog-forms';
import { tc } from './catalog-i18n';
import { getLang } from './i18n';
import { Cell, Notice, useNotice } from './ui';

interface AdminCatalog {
  provinces: string[];
  centers: AdminCenter[];
  services: AdminService[];
  topics: AdminTopic[];
}

type Kind = 'centers' | 'services' | 'topics';
type Entry = { code: string; name: Name; active: boolean };

/** Lao first: the name in the screen's language, the other one below it. */
function Names({ name }: { name: Name }) {
  const [first, second] = getLang() === 'lo' ? (['lo', 'en'] as const) : (['en', 'lo'] as const);
  return (
    <>
      <span lang={first}>{name[first]}</span>
      <br />
      <span class="sub" lang={second}>
        {name[second]}
      </span>
    </>
  );
}

export function CatalogScreen() {
  const [data, setData] = useState<AdminCatalog | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [notice, show] = useNotice();

  const load = useCallback(
    () =>
      api.get<AdminCatalog>('/catalog/all').then(setData, (e) => show('error', errorMessage(e))),
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
    show('ok', ok);
    return true;
  };
  const create = (kind: Kind) => (body: Record<string, unknown>) =>
    act(() => api.post(`/catalog/${kind}`, body), tc('added', { code: String(body.code) }));
  const change = (kind: Kind, code: string) => (body: Record<string, unknown>) =>
    act(() => api.patch(`/catalog/${kind}/${encodeURIComponent(code)}`, body), tc('saved'));
  const toggle = (kind: Kind, e: Entry) =>
    act(
      () => api.patch(`/catalog/${kind}/${encodeURIComponent(e.code)}`, { active: !e.active }),
      tc(e.active ? 'switchedOff' : 'switchedOn', { code: e.code }),
    );

  // A province by its provincial center's place name, in the screen's language.
  const provinceName = (code: string) =>
    data?.centers.find((c) => c.code === code)?.place[getLang()] ?? code;
  const provinces = (data?.provinces ?? []).map((code) => ({ code, label: provinceName(code) }));

  return (
    <section class="users catalog" data-screen="catalog" aria-busy={!data}>
      <h1 tabIndex={-1}>{tc('title')}</h1>
      <p class="hint">{tc('intro')}</p>
      <Notice notice={notice} />
      {!data ? (
        <p class="loading">…</p>
      ) : (
        <>
          <Table<AdminCenter>
            kind="centers"
            heading={tc('centers')}
            rows={data.centers}
            open={open}
            setOpen={setOpen}
            onToggle={(e) => toggle('centers', e)}
            add={
              <details class="card create-user">
                <summary>{tc('addCenter')}</summary>
                <CenterForm provinces={provinces} onSave={create('centers')} />
              </details>
            }
            extra={[
              [tc('province'), (c) => `${provinceName(c.province)} (${c.province})`],
              [tc('level'), (c) => tc(c.level === 'province' ? 'levelProvince' : 'levelDistrict')],
            ]}
            panel={(c) => (
              <CenterForm
                center={c}
                provinces={provinces}
                onSave={change('centers', c.code)}
                onCancel={() => setOpen(null)}
              />
            )}
          />
          <Table<AdminService>
            kind="services"
            heading={tc('services')}
            rows={data.services}
            open={open}
            setOpen={setOpen}
            onToggle={(e) => toggle('services', e)}
            add={
              <details class="card create-user">
                <summary>{tc('addService')}</summary>
                <ServiceForm onSave={create('services')} />
              </details>
            }
            extra={[[tc('ministry'), (s) => s.ministry]]}
            panel={(s) => (
              <ServiceForm
                service={s}
                onSave={change('services', s.code)}
                onCancel={() => setOpen(null)}
              />
            )}
          />
          <Table<AdminTopic>
            kind="topics"
            heading={tc('topics')}
            rows={data.topics}
            open={open}
            setOpen={setOpen}
            onToggle={(e) => toggle('topics', e)}
            add={<p class="hint">{tc('topicsHint')}</p>}
            extra={[]}
            panel={(t) => (
              <TopicForm
                topic={t}
                onSave={change('topics', t.code)}
                onCancel={() => setOpen(null)}
              />
            )}
          />
        </>
      )}
    </section>
  );
}

function Table<T extends Entry>(props: {
  kind: Kind;
  heading: string;
  rows: T[];
  open: string | null;
  setOpen(key: string | null): void;
  onToggle(e: T): void;
  add: ComponentChildren;
  extra: [string, (e: T) => string][];
  panel(e: T): ComponentChildren;
}) {
  const off = props.rows.filter((r) => !r.active).length;
  const cols = 4 + props.extra.length;
  return (
    <section class="catalog-part" data-part={props.kind} aria-labelledby={`h-${props.kind}`}>
      <h2 id={`h-${props.kind}`}>
        {props.heading}{' '}
        <span class="sub">{tc('count', { active: props.rows.length - off, off })}</span>
      </h2>
      {props.add}
      <table class="rtable">
        <thead>
          <tr>
            <th scope="col">{tc('code')}</th>
            <th scope="col">{tc('name')}</th>
            {props.extra.map(([h]) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
            <th scope="col">{tc('status')}</th>
            <th scope="col">{tc('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((e) => {
            const key = `${props.kind}:${e.code}`;
            return (
              <Fragment key={key}>
                <tr class={e.active ? undefined : 'is-disabled'} data-code={e.code}>
                  <td class="col-code">
                    <strong class="code">{e.code}</strong>
                  </td>
                  <Cell label={tc('name')}>
                    <Names name={e.name} />
                  </Cell>
                  {props.extra.map(([h, value]) => (
                    <Cell label={h} key={h}>
                      {value(e)}
                    </Cell>
                  ))}
                  <Cell label={tc('status')}>
                    <span class={`badge ${e.active ? 'badge-active' : 'badge-disabled'}`}>
                      {e.active ? tc('active') : tc('inactive')}
                    </span>
                  </Cell>
                  <Cell label={tc('actions')} class="row-actions">
                    <button
                      type="button"
                      class="secondary"
                      data-action="edit"
                      aria-expanded={props.open === key}
                      onClick={() => props.setOpen(props.open === key ? null : key)}
                    >
                      {tc('edit')}
                    </button>
                    <button
                      type="button"
                      class={e.active ? 'danger' : 'secondary'}
                      data-action="toggle"
                      onClick={() => props.onToggle(e)}
                    >
                      {e.active ? tc('deactivate') : tc('activate')}
                    </button>
                  </Cell>
                </tr>
                {props.open === key && (
                  <tr class="panel-row">
                    <td colSpan={cols}>{props.panel(e)}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
