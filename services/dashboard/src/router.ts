/**
 * A small router over location: pages are paths under /dashboard, a view's filters are its query
 * string (so a link shares the view), and moving is history.pushState, never a page load.
 */
import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard';

export interface Route {
  /** The path below /dashboard, without a trailing slash: '' for the queue. */
  path: string;
  query: URLSearchParams;
  /** The query string as it is (with '?'), for effects that reload when it changes. */
  search: string;
}

const listeners = new Set<() => void>();

export function currentRoute(): Route {
  const p = location.pathname;
  const path = p.startsWith(BASE) ? p.slice(BASE.length).replace(/\/+$/, '') : p;
  return { path, query: new URLSearchParams(location.search), search: location.search };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** The current route; re-renders on navigate() and on the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  'aria-current'?: 'page' | undefined;
  lang?: string;
}

/** A real link (open in a new tab works) that moves inside the app on a plain click. */
export function Link(props: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return;
    e.preventDefault();
    navigate(props.href);
  };
  return h('a', { ...props, onClick }, props.children);
}
