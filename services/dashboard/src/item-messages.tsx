/**
 * The item's messages: an internal note (staff only) and a reply to the citizen, which goes back
 * the way the feedback came. Reply templates are inserted in the language of the screen.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { getLang, pick, t } from './i18n';
import type { FeedbackItem, ReplyTemplate } from './types';

type Act = (run: () => Promise<unknown>, ok: string) => Promise<boolean>;

export function ItemMessages({ item, act }: { item: FeedbackItem; act: Act }) {
  const path = `/feedback/${encodeURIComponent(item.trackingCode)}`;
  return (
    <>
      <ReplyCard
        code={item.trackingCode}
        replyable={item.replyable}
        act={(text) => act(() => api.post(`${path}/replies`, { text }), t('doneReply'))}
      />
      <NoteCard act={(text) => act(() => api.post(`${path}/notes`, { text }), t('doneNote'))} />
    </>
  );
}

function NoteCard({ act }: { act: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="h-note">
      <h2 id="h-note">{t('addNote')}</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return setError(t('textRequired'));
          setError(null);
          if (await act(text.trim())) setText('');
        }}
      >
        <div class="field">
          <label for="note-text">{t('noteText')}</label>
          <textarea
            id="note-text"
            rows={3}
            value={text}
            aria-describedby="note-hint"
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <p class="hint" id="note-hint">
            {t('addNoteHint')}
          </p>
        </div>
        {error && <p class="field-error">{error}</p>}
        <button type="submit">{t('saveNote')}</button>
      </form>
    </section>
  );
}

function ReplyCard({
  code,
  replyable,
  act,
}: {
  code: string;
  replyable: boolean;
  act: (text: string) => Promise<boolean>;
}) {
  const [templates, setTemplates] = useState<ReplyTemplate[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<{ items: ReplyTemplate[] }>('/reply-templates').then(
      (r) => setTemplates(r.items),
      () => setTemplates([]),
    );
  }, []);
  const insert = (id: string) => {
    const tpl = templates.find((x) => x.id === id);
    if (!tpl) return;
    // Templates may name the tracking code as {code} (shared/staff/reply-templates.json).
    const body = (tpl.text[getLang()] || tpl.text.lo).split('{code}').join(code);
    setText((prev) => (prev.trim() ? `${prev.trimEnd()}\n\n${body}` : body));
  };
  return (
    <section class="card" aria-labelledby="h-reply">
      <h2 id="h-reply">{t('reply')}</h2>
      {!replyable && (
        <p class="notice notice-info" id="reply-why">
          {t('notReplyable')}
        </p>
      )}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return setError(t('textRequired'));
          setError(null);
          if (await act(text.trim())) setText('');
        }}
      >
        <fieldset disabled={!replyable} aria-describedby={replyable ? undefined : 'reply-why'}>
          <div class="field">
            <label for="reply-template">{t('template')}</label>
            <select
              id="reply-template"
              value=""
              onChange={(e) => {
                insert(e.currentTarget.value);
                e.currentTarget.value = '';
              }}
            >
              <option value="">{t('insertTemplate')}</option>
              {templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {pick(x.title)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="reply-text">{t('replyText')}</label>
            <textarea
              id="reply-text"
              rows={5}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </div>
          {error && <p class="field-error">{error}</p>}
          <button type="submit">{t('sendReply')}</button>
        </fieldset>
      </form>
    </section>
  );
}
