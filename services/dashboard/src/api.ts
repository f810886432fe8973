/**
 * The one way the dashboard talks to the staff API: same-origin fetch with the session cookie,
 * JSON both ways, the CSRF token from login (or /auth/me) on every state-changing request, and
 * `{ error: { code, message, details } }` turned into an ApiError with a readable message.
 * A 401 anywhere but the login form means the session ended: the shell goes back to login.
 */
import { hasKey, t, type Key } from './i18n';

export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field: string; message: string }[] = [],
    /** Seconds, from Retry-After (429). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session expired or was ended elsewhere). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

type Method = 'GET' | 'POST' | 'PATCH';

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API + path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (res.ok) return data as T;
  const err = (data as { error?: Partial<ApiError> } | null)?.error ?? {};
  const retry = Number(res.headers.get('Retry-After'));
  const e = new ApiError(
    res.status,
    typeof err.code === 'string' ? err.code : `HTTP_${res.status}`,
    typeof err.message === 'string' ? err.message : res.statusText,
    Array.isArray(err.details) ? err.details : [],
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
  if (res.status === 401 && path !== '/auth/login') onUnauthenticated?.();
  throw e;
}

/** A query string from the values that are set (empty strings and undefined are left out). */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  get: <T>(path: string, params: Record<string, string | number | null | undefined> = {}) =>
    request<T>('GET', path + query(params)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};

/** What to tell the user about a failed request, in the current language. */
export function errorMessage(e: unknown): string {
  if (!(e instanceof ApiError)) return t('errOther', { message: String(e) });
  if (e.code === 'TOO_MANY_ATTEMPTS' || e.status === 429)
    return t('errTOO_MANY_ATTEMPTS', { n: Math.max(1, Math.ceil((e.retryAfterS ?? 60) / 60)) });
  if (e.code === 'VALIDATION_FAILED' && e.details.length)
    return `${t('errVALIDATION_FAILED')}: ${e.details.map(fieldIssue).join('; ')}`;
  const key = `err${e.code}`;
  if (hasKey(key)) return t(key as Key);
  if (e.status === 401) return t('errUNAUTHENTICATED');
  if (e.status === 403) return t('errFORBIDDEN');
  if (e.status === 404) return t('errNOT_FOUND');
  if (e.status >= 500) return t('errUNAVAILABLE');
  return t('errOther', { message: e.message });
}

/** One field's problem: the field by its name on screen, the reason as the API words it. */
function fieldIssue(d: { field: string; message: string }): string {
  if (d.field === 'currentPassword') return t('errCurrentPassword');
  return `${hasKey(d.field) ? t(d.field) : d.field} — ${d.message}`;
}
