/** Tiny HTML helpers: escaping and the page shell shared by the citizen pages. */
import type { Lang } from './strings';

const ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans Lao","Phetsarath OT","Saysettha OT","Noto Sans",system-ui,sans-serif;
  font-size:18px;line-height:1.6;color:#1b1b1b;background:#f4f6f8}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{background:#0b4f8a;color:#fff;padding:.75rem 1rem}
header .bar{max-width:40rem;margin:0 auto;display:flex;justify-content:space-between;align-items:center;gap:1rem}
header a{color:#fff}
h1{font-size:1.4rem;margin:.25rem 0}
.card{background:#fff;border-radius:.5rem;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.12)}
label,legend{display:block;font-weight:600;margin:.75rem 0 .25rem;padding:0}
legend{font-weight:700}
.errors h2{font-size:1.1rem;margin:0 0 .5rem}
fieldset{border:0;padding:0;margin:0}
select,input[type=text],input[type=tel],textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #6b7785;border-radius:.4rem;background:#fff}
select:focus,input:focus,textarea:focus,button:focus,a:focus{outline:3px solid #f5a623;outline-offset:2px}
textarea{min-height:8rem}
.hint{color:#4a5561;font-size:.9rem;margin:.1rem 0 .3rem}
.ratings{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:.3rem}
.ratings label{font-weight:400;text-align:center;border:2px solid #6b7785;border-radius:.4rem;padding:.4rem .1rem;margin:0;cursor:pointer;font-size:.75rem;line-height:1.3;overflow-wrap:anywhere;hyphens:auto}
.ratings input{position:absolute;opacity:0}
.ratings input:checked+span{font-weight:700}
.ratings label:has(input:checked){background:#0b4f8a;color:#fff;border-color:#0b4f8a}
.ratings label:has(input:focus-visible){outline:3px solid #f5a623}
.ratings .n{display:block;font-size:1.4rem;font-weight:700}
@media (max-width:30rem){.ratings{grid-template-columns:1fr}.ratings label{display:flex;align-items:center;gap:.75rem;text-align:left;font-size:1rem;padding:.3rem .75rem}.ratings .n{font-size:1.2rem;min-width:1.2rem}}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{width:1.4rem;height:1.4rem;margin-top:.2rem}
button,.button{display:inline-block;font:inherit;font-weight:700;background:#0b4f8a;color:#fff;border:0;border-radius:.4rem;padding:.8rem 1.4rem;margin-top:1rem;text-decoration:none;cursor:pointer;width:100%;text-align:center}
.errors{border:3px solid #b00020;background:#fff4f4}
.field-error{color:#b00020;font-weight:600;margin:.2rem 0}
.mono,#code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;letter-spacing:.05em}
.code{font-size:2rem;font-weight:700;letter-spacing:.15em;text-align:center;font-family:ui-monospace,monospace;background:#eef4fa;padding:.5rem;border-radius:.4rem}
`;

export function page(
  lang: Lang,
  title: string,
  body: string,
  switchHref?: string,
  switchLabel?: string,
  /** Page-specific rules, added after the shared ones (the scoreboard's table). */
  extraCss = '',
): string {
  const other = lang === 'lo' ? 'en' : 'lo';
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}${extraCss}</style>
</head>
<body>
<header><div class="bar"><strong>ODSC</strong>${
    switchHref
      ? `<a href="${esc(switchHref)}" lang="${other}" hreflang="${other}">${esc(switchLabel)}</a>`
      : ''
  }</div></header>
<main>
${body}
</main>
</body>
</html>`;
}
