/**
 * PDFs from HTML with a real browser engine: headless Chromium driven by playwright-core, using
 * the system's Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH; playwright downloads
 * nothing). Lao needs text shaping — stacked vowels and tone marks placed over and under their
 * consonant — which Chromium does with HarfBuzz; the fonts it draws with (Noto Sans Lao from
 * fonts-noto-core, Phetsarath OT from fonts-lao) are embedded in the PDF as subsets.
 *
 * One browser per process, launched on first use and launched again if it crashed or was killed;
 * at most PDF_CONCURRENCY pages render at once, the rest wait (up to PDF_MAX_WAITING, beyond that
 * a render is refused with PdfBusyError); `closePdf()` belongs on every shutdown path.
 * Each render runs in a fresh context with JavaScript off and the network cut: a report is
 * self-contained HTML and must never fetch anything.
 */
// Loaded when the first PDF is asked for, not at start-up: the api and the worker need it rarely.
import type { Browser, BrowserContext } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Pages rendering at once per process (a PDF takes a CPU core for a moment). */
export const PDF_CONCURRENCY = 2;
/** Renders allowed to wait for a free page; more are refused at once. */
export const PDF_MAX_WAITING = 16;
const RENDER_TIMEOUT_MS = 60_000;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Too many renders waiting already: try again shortly (HTTP 503). */
export class PdfBusyError extends Error {
  override name = 'PdfBusyError';
}

export interface PdfOptions {
  /** The Chromium binary (default CHROMIUM_PATH's value from the config, else /usr/bin/chromium). */
  executablePath?: string;
  /** A line at the foot of every page, beside the page number. */
  footer?: string;
}

/** One lazily launched browser and the slots that limit how many pages it renders at once. */
export class PdfEngine {
  private browser: Promise<Browser> | null = null;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** How many times a browser was launched (a relaunch after a crash counts). */
  launches = 0;

  constructor(private readonly defaultPath = DEFAULT_CHROMIUM_PATH) {}

  private launch(executablePath: string): Promise<Browser> {
    if (this.browser) return this.browser;
    const p = import('playwright-core').then(({ chromium }) =>
      chromium.launch({ executablePath, headless: true, args: ARGS }),
    );
    this.browser = p;
    this.launches++;
    const forget = () => {
      if (this.browser === p) this.browser = null;
    };
    p.then((b) => b.on('disconnected', forget), forget);
    return p;
  }

  private async acquire(): Promise<void> {
    if (this.running < PDF_CONCURRENCY) {
      this.running++;
      return;
    }
    if (this.waiting.length >= PDF_MAX_WAITING)
      throw new PdfBusyError('Too many reports are being rendered; try again in a minute.');
    // The slot is handed over by release(): `running` stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** Renders self-contained HTML to an A4 PDF (backgrounds printed, fonts embedded). */
  async render(html: string, opts: PdfOptions = {}): Promise<Buffer> {
    const path = opts.executablePath ?? this.defaultPath;
    await this.acquire();
    try {
      const used = this.launch(path);
      try {
        return await this.renderOnce(await used, html, opts);
      } catch (err) {
        // A browser that died under us (killed, crashed) is launched again, once per render.
        const b = await used.catch(() => null);
        if (b?.isConnected()) throw err;
        if (this.browser === used) this.browser = null;
        return await this.renderOnce(await this.launch(path), html, opts);
      }
    } finally {
      this.release();
    }
  }

  private async renderOnce(browser: Browser, html: string, opts: PdfOptions): Promise<Buffer> {
    let ctx: BrowserContext | undefined;
    try {
      ctx = await browser.newContext({ javaScriptEnabled: false, offline: true });
      await ctx.route('**/*', (route) => route.abort());
      const page = await ctx.newPage();
      page.setDefaultTimeout(RENDER_TIMEOUT_MS);
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        ...(opts.footer
          ? {
              displayHeaderFooter: true,
              headerTemplate: '<span></span>',
              footerTemplate: footerTemplate(opts.footer),
            }
          : {}),
      });
    } finally {
      await ctx?.close().catch(() => undefined);
    }
  }

  /** What the engine is doing: renders running and waiting, browsers launched so far. */
  stats(): { running: number; waiting: number; launches: number } {
    return { running: this.running, waiting: this.waiting.length, launches: this.launches };
  }

  /** Closes the browser (a later render launches a new one). */
  async close(): Promise<void> {
    const p = this.browser;
    this.browser = null;
    const b = await p?.catch(() => null);
    await b?.close().catch(() => undefined);
  }
}

/** The footer is a separate document: it gets its own style, with the report's fonts. */
function footerTemplate(text: string): string {
  const safe = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    '<div style="width:100%;font-size:7.5pt;color:#555;padding:0 14mm;display:flex;' +
    "justify-content:space-between;font-family:'Noto Sans Lao','Noto Sans','Phetsarath OT',sans-serif\">" +
    `<span>${safe}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`
  );
}

/** The process's engine: the api, the worker and the script each have one. */
const shared = new PdfEngine();

/** Renders HTML to a PDF with the process's browser. */
export function renderPdf(html: string, opts: PdfOptions = {}): Promise<Buffer> {
  return shared.render(html, opts);
}

/** Closes the process's browser, if one was launched (for shutdown paths and tests). */
export function closePdf(): Promise<void> {
  return shared.close();
}
