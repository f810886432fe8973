/*
 * The exit-survey kiosk (a plain script: no build step, no framework, nothing from a CDN).
 *
 * Offline-first: a press is written to IndexedDB (with a client UUID) before anything else
 * happens; a sync loop sends what is finished to the server in batches, with backoff while the
 * server or the network is down, and deletes only the UUIDs the server says it holds. Reloading,
 * closing or crashing the tab loses nothing. A revoked token (401) shows "needs pairing" and keeps
 * the queue until the tablet is paired again.
 *
 * Numbers do not stay on the tablet (docs/privacy.md#the-kiosk-tablet): a refused response is kept
 * without its number, refused responses go after REJECTED_MAX_AGE_MS or beyond the newest
 * REJECTED_MAX, and a queued response still unsent after CONTACT_MAX_AGE_MS is sent without its
 * number (marked `contactExpired`). purge() applies these rules at start, every PURGE_EVERY_MS and
 * before each sending; an older release's leftovers are cleaned by the first purge.
 */
(() => {
  'use strict';

  const API = '/api/v1/kiosk';
  const VERSION = document.querySelector('meta[name="kiosk-version"]').content;
  const KEY = {
    token: 'odsc.kiosk.token',
    config: 'odsc.kiosk.config',
    misuse: 'odsc.kiosk.misuse',
    lastSync: 'odsc.kiosk.lastSync',
  };
  /** A response left unfinished this long (the tab closed mid-answer) is sent as it is. */
  const DRAFT_MAX_AGE_MS = 2 * 60 * 1000;
  /** Nobody touched the details screen for this long: the answer so far is kept. */
  const DETAILS_IDLE_MS = 30 * 1000;
  const BATCH = 50;
  const IDLE_SYNC_MS = 15 * 1000;
  const MAX_BACKOFF_MS = 30 * 1000;
  const DEFAULTS = { minGapMs: 4000, thanksMs: 5000, heartbeatMs: 60000 };
  const DAY_MS = 86_400_000;
  /** A number waits this long for its response to be sent; then the response goes without it. */
  const CONTACT_MAX_AGE_MS = 7 * DAY_MS;
  /** Refused responses are kept for staff and technicians this long, and at most this many. */
  const REJECTED_MAX_AGE_MS = 30 * DAY_MS;
  const REJECTED_MAX = 200;
  /** A tablet may run for weeks without a reload: the rules are applied again this often. */
  const PURGE_EVERY_MS = 60 * 60 * 1000;
  /**
   * A response refused only for a field the api does not know (a newer app while the api rolls
   * out) stays queued and is tried again this often, for at most NEWER_MAX_MS from the first refusal;
   * past that it is set aside as refused like any other.
   */
  const NEWER_RETRY_MS = 10 * 60 * 1000;
  const NEWER_MAX_MS = 24 * 60 * 60 * 1000;
  /** ...and asks the server for a new release this often (the browser alone may wait a day). */
  const UPDATE_EVERY_MS = 60 * 60 * 1000;
  /**
   * A check for a release that fails (the network just back, the server restarting) is tried again
   * after 2 s, 4 s, 8 s, 16 s and 32 s, rather than an hour later.
   */
  const UPDATE_RETRY_MS = 2000;
  const UPDATE_RETRIES = 5;
  const WAITING_NUDGE_MS = 10 * 1000;

  // ---- IndexedDB: the queue of responses, and what the server rejected (kept, not resent) ----

  let dbPromise = null;
  function db() {
    dbPromise =
      dbPromise ||
      new Promise((resolve, reject) => {
        const req = indexedDB.open('odsc-kiosk', 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('responses', { keyPath: 'id' });
          req.result.createObjectStore('rejected', { keyPath: 'id' });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    return dbPromise;
  }

  /** Runs fn in one transaction; resolves with the last request's result once committed. */
  async function tx(stores, mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction(stores, mode, { durability: 'strict' });
      let result;
      const req = fn(t);
      if (req) req.onsuccess = () => (result = req.result);
      t.oncomplete = () => resolve(result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  }
  const putResponse = (item) =>
    tx('responses', 'readwrite', (t) => t.objectStore('responses').put(item));
  const allResponses = () =>
    tx('responses', 'readonly', (t) => t.objectStore('responses').getAll());
  const countOf = (store) => tx(store, 'readonly', (t) => t.objectStore(store).count());
  const deleteResponses = (ids) =>
    tx('responses', 'readwrite', (t) => {
      for (const id of ids) t.objectStore('responses').delete(id);
    });
  const moveToRejected = (items) =>
    tx(['responses', 'rejected'], 'readwrite', (t) => {
      const at = new Date().toISOString();
      for (const { item, errors } of items) {
        t.objectStore('rejected').put(rejectedRecord({ ...item, errors, rejectedAt: at }));
        t.objectStore('responses').delete(item.id);
      }
    });

  /** Not a date, or further back than maxAgeMs (a date the tablet cannot read counts as old). */
  const olderThan = (iso, maxAgeMs, now) => !(now - Date.parse(iso) <= maxAgeMs);

  /**
   * What a refused response keeps: enough for staff and technicians to see why it was refused
   * (the server's reasons, when, the answer itself), and that a number was given, never the number.
   */
  function rejectedRecord(r) {
    const out = { id: r.id, rating: r.rating, createdAt: r.createdAt, rejectedAt: r.rejectedAt };
    out.errors = (Array.isArray(r.errors) ? r.errors : []).slice(0, 20).map((e) => ({
      field: String((e && e.field) || '').slice(0, 100),
      message: String((e && e.message) || '').slice(0, 200),
    }));
    if (Array.isArray(r.topics) && r.topics.length) out.topics = r.topics;
    if (r.service) out.service = r.service;
    if (r.contact || r.hadContact || r.contactExpired) out.hadContact = true;
    return out;
  }
  const KEPT_WHEN_REJECTED = new Set([
    'id',
    'rating',
    'createdAt',
    'rejectedAt',
    'errors',
    'topics',
    'service',
    'hadContact',
  ]);

  /**
   * The tablet's rules for personal data, in one transaction (so a sync deleting what the server
   * accepted cannot be undone by it): queued numbers past CONTACT_MAX_AGE_MS are dropped; refused
   * responses are reduced to rejectedRecord() (an older release kept them whole), and pruned by
   * age, then by count (newest kept).
   */
  const purge = (now = Date.now()) =>
    tx(['responses', 'rejected'], 'readwrite', (t) => {
      const queue = t.objectStore('responses').openCursor();
      queue.onsuccess = () => {
        const c = queue.result;
        if (!c) return;
        const r = c.value;
        if (r.contact && olderThan(r.createdAt, CONTACT_MAX_AGE_MS, now)) {
          const { contact: _dropped, ...rest } = r;
          c.update({ ...rest, contactExpired: true });
        }
        c.continue();
      };
      const store = t.objectStore('rejected');
      const all = store.getAll();
      all.onsuccess = () => {
        const young = [];
        for (const r of all.result) {
          if (olderThan(r.rejectedAt, REJECTED_MAX_AGE_MS, now)) store.delete(r.id);
          else young.push(r);
        }
        young.sort((a, b) => Date.parse(b.rejectedAt) - Date.parse(a.rejectedAt));
        young.forEach((r, i) => {
          if (i >= REJECTED_MAX) store.delete(r.id);
          else if (Object.keys(r).some((k) => !KEPT_WHEN_REJECTED.has(k)))
            store.put(rejectedRecord(r));
        });
      };
    });

  // ---- state ----

  const token = () => localStorage.getItem(KEY.token);
  const config = () => {
    try {
      return JSON.parse(localStorage.getItem(KEY.config) || 'null');
    } catch {
      return null;
    }
  };
  const settings = () => ({ ...DEFAULTS, ...((config() || {}).settings || {}) });
  const misuse = () => Number(localStorage.getItem(KEY.misuse) || 0);

  let current = null; // the response being answered
  let lastPress = 0;
  let pressing = false;
  let unpaired = false;
  let syncTimer = null;
  let syncing = false;
  let backoff = 0;
  let idleTimer = null;
  let homeTimer = null;
  let heartbeatTimer = null;

  // ---- screens ----

  const $ = (id) => document.getElementById(id);
  function show(name) {
    for (const s of document.querySelectorAll('.screen')) s.hidden = s.id !== `screen-${name}`;
    document.body.dataset.screen = name;
  }

  /** A face drawn in SVG (emoji fonts differ between tablets). */
  function faceSvg(rating) {
    const fill = { 1: '#e05252', 2: '#f0a040', 4: '#8cc152', 5: '#2e9e5b' }[rating];
    const mouth = {
      1: 'M30 72 Q50 52 70 72',
      2: 'M32 70 Q50 60 68 70',
      4: 'M32 64 Q50 76 68 64',
      5: 'M28 60 Q50 86 72 60',
    }[rating];
    const brows =
      rating === 1
        ? '<path d="M26 30 L42 38 M74 30 L58 38" stroke="#2b1a10" stroke-width="5"/>'
        : '';
    return `<svg viewBox="0 0 100 100" aria-hidden="true"><circle cx="50" cy="50" r="46" fill="${fill}"/>${brows}<circle cx="35" cy="42" r="6" fill="#2b1a10"/><circle cx="65" cy="42" r="6" fill="#2b1a10"/><path d="${mouth}" stroke="#2b1a10" stroke-width="6" fill="none" stroke-linecap="round"/></svg>`;
  }
  for (const el of document.querySelectorAll('[data-face]'))
    el.innerHTML = faceSvg(Number(el.dataset.face));

  function text(lo, en) {
    const span = document.createElement('span');
    span.textContent = lo;
    const small = document.createElement('span');
    small.className = 'en';
    small.textContent = en;
    span.append(small);
    return span;
  }

  function goHome() {
    clearTimeout(homeTimer);
    clearTimeout(idleTimer);
    current = null;
    clearContactForm();
    const c = config();
    $('center-name').textContent = c && c.center && c.center.name ? c.center.name.lo : '';
    show('home');
  }

  async function onSmiley(rating) {
    if (pressing || unpaired) return;
    const now = Date.now();
    if (now - lastPress < settings().minGapMs) {
      // Misuse filter: presses in quick succession are ignored, and counted for staff.
      localStorage.setItem(KEY.misuse, String(misuse() + 1));
      return;
    }
    lastPress = now;
    pressing = true;
    try {
      current = {
        id: crypto.randomUUID(),
        rating,
        createdAt: new Date().toISOString(),
        state: 'draft',
      };
      await putResponse(current); // stored before anything else is shown
    } finally {
      pressing = false;
    }
    keepAwake();
    showDetails();
    renderStatus();
  }

  function chip(lo, en, pressed, onTap) {
    const b = document.createElement('button');
    b.className = 'chip';
    b.type = 'button';
    b.setAttribute('aria-pressed', String(pressed));
    b.append(text(lo, en));
    b.addEventListener('click', () => {
      onTap(b);
      touch();
    });
    return b;
  }

  function showDetails() {
    const c = config() || { topics: [], services: [] };
    const low = current.rating <= 2;
    const blocks = $('details-blocks');
    blocks.replaceChildren();
    current.topics = [];
    current.service = undefined;

    const topics = document.createElement('div');
    topics.id = 'block-topics';
    const h = document.createElement('h2');
    h.append(low ? text('ມີບັນຫາຫຍັງ?', 'What went wrong?') : text('ຫຍັງດີ?', 'What was good?'));
    const tc = document.createElement('div');
    tc.className = 'chips';
    // Praise has no use for "bribery" or "other" as a reason.
    const reasons = low
      ? c.topics
      : c.topics.filter((t) => t.code !== 'informal_payment' && t.code !== 'other');
    for (const t of reasons)
      tc.append(
        chip(t.name.lo, t.name.en, false, (b) => {
          const on = b.getAttribute('aria-pressed') !== 'true';
          b.setAttribute('aria-pressed', String(on));
          current.topics = on
            ? [...current.topics, t.code]
            : current.topics.filter((x) => x !== t.code);
        }),
      );
    topics.append(h, tc);

    const services = document.createElement('div');
    services.id = 'block-service';
    const hs = document.createElement('h2');
    hs.append(text('ທ່ານມາເຮັດບໍລິການຫຍັງ?', 'Which service did you use?'));
    const sc = document.createElement('div');
    sc.className = 'chips';
    for (const s of c.services)
      sc.append(
        chip(s.name.lo, s.name.en, false, (b) => {
          const on = b.getAttribute('aria-pressed') !== 'true';
          for (const other of sc.children) other.setAttribute('aria-pressed', 'false');
          b.setAttribute('aria-pressed', String(on));
          current.service = on ? s.code : undefined;
        }),
      );
    services.append(hs, sc);

    // The two low smileys ask what went wrong first; the high ones ask for the service first.
    if (low) blocks.append(topics, services);
    else blocks.append(services, topics);
    show('details');
    touch();
  }

  /** Any tap on the details screens restarts the idle timer. */
  function touch() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => finish(), DETAILS_IDLE_MS);
  }

  function showContact() {
    $('contact-error').hidden = true;
    show('contact');
    touch();
  }

  /** Lao digits are fine; what is left must look like a phone number (the server checks it too). */
  function phoneOk(raw) {
    const ascii = raw.replace(/[\u0ED0-\u0ED9]/g, (d) => String(d.charCodeAt(0) - 0x0ed0));
    const digits = ascii.replace(/[\s().\-/]/g, '');
    return /^\+?\d{8,15}$/.test(digits) ? ascii.trim() : null;
  }

  function sendContact() {
    const phone = phoneOk($('contact-phone').value);
    const err = $('contact-error');
    if (!phone) {
      err.replaceChildren(text('ກະລຸນາໃສ່ເບີໂທໃຫ້ຖືກຕ້ອງ', 'Please enter a valid phone number'));
      err.hidden = false;
      return touch();
    }
    if (!$('contact-consent').checked) {
      err.replaceChildren(
        text('ກະລຸນາໝາຍວ່າທ່ານຍິນຍອມໃຫ້ຕິດຕໍ່', 'Please tick the box to agree to be contacted'),
      );
      err.hidden = false;
      return touch();
    }
    current.contact = { phone, consent: true };
    finish();
  }

  /** The next citizen must not find the previous one's number in the field. */
  function clearContactForm() {
    $('contact-phone').value = '';
    $('contact-consent').checked = false;
  }

  async function finish() {
    clearTimeout(idleTimer);
    if (!current) return;
    const done = { ...current, state: 'ready' };
    current = null;
    await putResponse(done);
    clearContactForm();
    $('thanks-contact').hidden = !done.contact;
    show('thanks');
    homeTimer = setTimeout(goHome, settings().thanksMs);
    scheduleSync(200);
    renderStatus();
  }

  // ---- sync ----

  const wire = (r) => {
    const out = { id: r.id, rating: r.rating, createdAt: r.createdAt };
    if (r.topics && r.topics.length) out.topics = r.topics;
    if (r.service) out.service = r.service;
    if (r.contact) out.contact = r.contact;
    else if (r.contactExpired) out.contactExpired = true;
    return out;
  };

  function scheduleSync(ms) {
    clearTimeout(syncTimer);
    if (!unpaired) syncTimer = setTimeout(syncNow, ms);
  }

  async function syncNow() {
    if (syncing || unpaired || !token()) return;
    syncing = true;
    let next = IDLE_SYNC_MS;
    try {
      const now = Date.now();
      let all = await allResponses();
      // A number past its time is dropped before it could go out.
      if (all.some((r) => r.contact && olderThan(r.createdAt, CONTACT_MAX_AGE_MS, now))) {
        await purge(now);
        all = await allResponses();
      }
      const due = all.filter(
        (r) =>
          !(r.retryAt > now) && // refused for a field the api does not know yet: wait (NEWER_RETRY_MS)
          (r.state === 'ready' ||
            (r.state === 'draft' &&
              (!current || current.id !== r.id) &&
              now - Date.parse(r.createdAt) > DRAFT_MAX_AGE_MS)),
      );
      const batch = due.slice(0, BATCH);
      if (batch.length) {
        const res = await fetch(`${API}/responses`, {
          method: 'POST',
          headers: headers(),
          body: JSON.stringify({ responses: batch.map(wire) }),
        });
        if (res.status === 401) return needsPairing();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = await res.json();
        // Only what the server holds leaves the tablet.
        await deleteResponses(body.accepted || []);
        const bad = (body.rejected || [])
          .map((r) => ({ item: batch[r.index], errors: r.errors, retry: r.retry === true }))
          .filter((r) => r.item && !(body.accepted || []).includes(r.item.id));
        const nowIso = new Date(now).toISOString();
        const later = bad.filter(
          (r) => r.retry && !olderThan(r.item.refusedSince || nowIso, NEWER_MAX_MS, now),
        );
        for (const { item } of later)
          await putResponse({
            ...item,
            refusedSince: item.refusedSince || nowIso,
            retryAt: now + NEWER_RETRY_MS,
          });
        const refused = bad.filter((r) => !later.includes(r));
        if (refused.length) {
          await moveToRejected(refused);
          await purge(); // the count bound
        }
        localStorage.setItem(KEY.lastSync, new Date().toISOString());
        backoff = 0;
        if (due.length > batch.length) next = 100;
      }
    } catch {
      // Server or network down: try again later, waiting longer each time (with jitter).
      backoff = Math.min(backoff ? backoff * 2 : 1000, MAX_BACKOFF_MS);
      next = backoff * (0.75 + Math.random() * 0.5);
    } finally {
      syncing = false;
      renderStatus();
      scheduleSync(next);
    }
  }

  const headers = () => ({
    authorization: `Bearer ${token()}`,
    'content-type': 'application/json',
    'x-kiosk-version': VERSION,
  });

  async function heartbeat() {
    if (unpaired || !token()) return;
    try {
      const res = await fetch(`${API}/heartbeat`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({
          appVersion: VERSION,
          queued: await countOf('responses'),
          rejected: await countOf('rejected'),
          misuse: misuse(),
          lastSyncAt: localStorage.getItem(KEY.lastSync),
          online: navigator.onLine,
        }),
      });
      if (res.status === 401) needsPairing();
    } catch {
      /* offline: the next heartbeat tells */
    }
  }

  function startHeartbeat() {
    clearInterval(heartbeatTimer);
    heartbeat();
    heartbeatTimer = setInterval(heartbeat, settings().heartbeatMs);
  }

  async function renderStatus() {
    const queued = await countOf('responses');
    const q = $('status-queue');
    q.dataset.count = String(queued);
    q.textContent = `ລໍຖ້າສົ່ງ ${queued} queued`;
    const last = localStorage.getItem(KEY.lastSync);
    $('status-sync').textContent = last
      ? `sync ${new Date(last).toLocaleTimeString('en-GB')}`
      : 'sync —';
    for (const el of document.querySelectorAll('[data-queued]')) el.textContent = String(queued);
  }

  // ---- pairing ----

  function needsPairing() {
    unpaired = true;
    // An answer in progress counts as given: it waits in the queue with the others.
    if (current) {
      putResponse({ ...current, state: 'ready' });
      current = null;
    }
    clearContactForm();
    clearTimeout(idleTimer);
    clearTimeout(homeTimer);
    clearTimeout(syncTimer);
    clearInterval(heartbeatTimer);
    localStorage.removeItem(KEY.token);
    $('pair-again').hidden = false;
    showPair();
  }

  function showPair() {
    $('pair-error').hidden = true;
    $('pair-code').value = '';
    show('pair');
    renderStatus();
  }

  async function pair(code) {
    const err = $('pair-error');
    err.hidden = true;
    try {
      const res = await fetch(`${API}/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pairingCode: code }),
      });
      if (!res.ok) {
        err.replaceChildren(
          res.status === 400 || res.status === 422
            ? text('ລະຫັດນີ້ບໍ່ຖືກຕ້ອງ ຫຼື ໃຊ້ແລ້ວ', 'This code is not valid or was already used')
            : text('ລະບົບບໍ່ພ້ອມ, ລອງໃໝ່', 'The server is not ready: try again'),
        );
        err.hidden = false;
        return;
      }
      const body = await res.json();
      localStorage.setItem(KEY.token, body.deviceToken);
      unpaired = false;
      $('pair-again').hidden = true;
      await loadConfig();
      goHome();
      startHeartbeat();
      scheduleSync(0);
    } catch {
      err.replaceChildren(text('ບໍ່ມີອິນເຕີເນັດ, ລອງໃໝ່', 'No connection: try again'));
      err.hidden = false;
    }
  }

  async function loadConfig() {
    try {
      const res = await fetch(`${API}/config`, { headers: headers() });
      if (res.status === 401) return needsPairing();
      if (res.ok) localStorage.setItem(KEY.config, JSON.stringify(await res.json()));
    } catch {
      /* offline: the saved menus serve */
    }
  }

  // ---- the tablet ----

  let wakeLock = null;
  function keepAwake() {
    if (!wakeLock && navigator.wakeLock)
      navigator.wakeLock.request('screen').then(
        (l) => {
          wakeLock = l;
          l.addEventListener('release', () => (wakeLock = null));
        },
        () => undefined,
      );
    if (!document.fullscreenElement && document.documentElement.requestFullscreen)
      document.documentElement.requestFullscreen().catch(() => undefined);
  }

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    const hadController = !!navigator.serviceWorker.controller;
    let reloading = false;
    // A new release took over: reload when nobody is in the middle of an answer.
    const reloadWhenIdle = () => {
      if (reloading) return;
      reloading = true;
      const attempt = () =>
        document.body.dataset.screen === 'home' ? location.reload() : setTimeout(attempt, 5000);
      attempt();
    };
    navigator.serviceWorker.register('/kiosk/sw.js', { scope: '/kiosk/' }).catch(() => undefined);
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (hadController) reloadWhenIdle();
    });
    // The new release may have taken over before this script ran (the page came from the old
    // release's cache while the browser installed the new worker): then no controllerchange comes,
    // and the sign is that this page's cache is gone while another release's is there. Reload once
    // per version, so a page and a worker from different releases cannot reload for ever.
    navigator.serviceWorker.ready
      .then(async (registration) => {
        // Check for a release at start (the check the browser makes on navigation fails when the
        // network is not back yet), when the network comes back, and then every hour; a check that
        // fails is tried again a few times soon after.
        let retry = null;
        const check = (attempt = 0) => {
          if (!navigator.onLine) return;
          clearTimeout(retry);
          registration.update().catch(() => {
            if (attempt < UPDATE_RETRIES)
              retry = setTimeout(() => check(attempt + 1), UPDATE_RETRY_MS * 2 ** attempt);
          });
        };
        check();
        setInterval(() => check(), UPDATE_EVERY_MS);
        // A release that installed asks to take over at once; should the browser leave it waiting
        // all the same, ask it again now and then (it takes over when the old one is idle).
        setInterval(() => {
          if (registration.waiting) registration.waiting.postMessage({ type: 'skip-waiting' });
        }, WAITING_NUDGE_MS);
        window.addEventListener('online', () => check());
        if (!navigator.serviceWorker.controller || typeof caches === 'undefined') return;
        if (await caches.has(`odsc-kiosk-${VERSION}`)) return;
        const others = (await caches.keys()).filter((k) => k.startsWith('odsc-kiosk-'));
        if (
          others.length === 0 ||
          window.sessionStorage.getItem('odsc-kiosk-took-over') === VERSION
        )
          return;
        window.sessionStorage.setItem('odsc-kiosk-took-over', VERSION);
        reloadWhenIdle();
      })
      .catch(() => undefined);
  }

  async function boot() {
    for (const b of document.querySelectorAll('.smiley'))
      b.addEventListener('click', () => onSmiley(Number(b.dataset.rating)));
    $('btn-done').addEventListener('click', () => finish());
    $('btn-contact').addEventListener('click', showContact);
    $('contact-back').addEventListener('click', () => {
      show('details');
      touch();
    });
    $('contact-send').addEventListener('click', sendContact);
    $('contact-phone').addEventListener('input', touch);
    $('screen-thanks').addEventListener('click', goHome);
    $('pair-form').addEventListener('submit', (e) => {
      e.preventDefault();
      pair($('pair-code').value);
    });
    window.addEventListener('online', () => scheduleSync(0));

    registerServiceWorker();
    // Ask the browser not to evict the queue when the tablet runs short of storage.
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    // An answer interrupted by a reload or crash counts as given: send it as it is.
    const drafts = (await allResponses()).filter((r) => r.state === 'draft');
    for (const d of drafts) await putResponse({ ...d, state: 'ready' });
    await purge().catch(() => undefined); // the app must start even if this fails once
    setInterval(() => purge().catch(() => undefined), PURGE_EVERY_MS);

    if (!token()) {
      unpaired = true;
      showPair();
      return;
    }
    await loadConfig();
    if (unpaired) return;
    goHome();
    renderStatus();
    startHeartbeat();
    scheduleSync(0);
  }

  // Opened as /kiosk (the same page): go to /kiosk/, the address the service worker covers, so the
  // app works offline from there.
  if (location.pathname === '/kiosk') location.replace(`/kiosk/${location.search}${location.hash}`);
  else boot();
})();
