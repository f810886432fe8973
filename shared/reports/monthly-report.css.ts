/**
 * The monthly report's style: A4 print first (each section starts a page, rows never split, table
 * heads repeat), and a readable screen view from a phone (360 px: wide tables scroll inside their
 * box, the page never scrolls sideways) to a desktop. Lao needs room above and below the line for
 * stacked vowels and tone marks, hence the generous line heights. Fonts are the system's: Noto Sans
 * Lao (fonts-noto-core) for Lao, else Phetsarath OT (fonts-lao). Noto Sans Lao has no Latin letters
 * or digits: Noto Sans comes before Phetsarath OT so that numbers get a real bold face (Phetsarath
 * OT has none) and match the Lao words beside them.
 */
export const REPORT_FONTS = '"Noto Sans Lao", "Noto Sans", "Phetsarath OT", sans-serif';

export const REPORT_CSS = `
@page{size:A4;margin:14mm 13mm 16mm}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;font-family:${REPORT_FONTS};font-size:10pt;line-height:1.6;color:#1b1b1b;background:#fff}
main{margin:0 auto}
section{break-before:page;page-break-before:always}
section:first-child{break-before:auto;page-break-before:auto}
h1{font-size:24pt;line-height:1.4;margin:0 0 6mm;color:#0b4f8a}
h2{font-size:15pt;line-height:1.45;margin:0 0 3mm;color:#0b4f8a;break-after:avoid}
h3{font-size:12pt;line-height:1.45;margin:5mm 0 2mm;break-after:avoid}
p{margin:0 0 2mm}
.intro{color:#4a5561;font-size:9pt}
.none{color:#4a5561;font-style:italic}
table{width:100%;border-collapse:collapse;font-size:8.5pt;line-height:1.45}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
th,td{padding:1.2mm 2mm;border-bottom:0.3mm solid #d5dbe1;text-align:left;vertical-align:top}
thead th{background:#e8eff6;color:#0b3a66;font-weight:700;border-bottom:0.5mm solid #0b4f8a}
tbody th{font-weight:400}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nowrap{white-space:nowrap}
.code{font-family:"DejaVu Sans Mono",ui-monospace,monospace;white-space:nowrap;letter-spacing:.03em}
table.headline{font-size:10pt}
table.headline tbody th{font-weight:600;width:46%}
table.headline td.cur{font-weight:700}
table.league tbody tr:nth-child(even){background:#f6f8fa}
ol.topics{margin:0;padding:0;list-style:none}
ol.topics li{display:inline}
ol.topics li:not(:last-child)::after{content:" · ";color:#4a5561}
ol.topics .n{color:#4a5561}
.cover{padding-top:30mm}
.cover .org{font-size:13pt;color:#4a5561;margin-bottom:3mm}
.cover-month{font-size:20pt;font-weight:700;margin:0 0 8mm}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2mm 6mm;margin:0 0 10mm;font-size:11pt}
.facts dt{color:#4a5561}
.facts dd{margin:0;font-weight:600}
.cover .for{font-size:11pt;margin-bottom:12mm}
.contents-title{font-size:12pt}
.contents{font-size:11pt;margin:0;padding-left:6mm}
figure{margin:0 0 6mm;break-inside:avoid}
figcaption{font-weight:700;margin-bottom:1.5mm}
svg.chart{display:block;width:100%;height:auto;font-family:${REPORT_FONTS}}
ul.we-did{list-style:none;margin:0;padding:0}
.we-did-item{border-left:1.2mm solid #2e8540;background:#f3f8f4;padding:2mm 3mm;margin:0 0 3mm;break-inside:avoid}
.we-did-item p{margin:0 0 1mm}
.we-did-item .where{color:#4a5561}
.definitions{margin-top:8mm;border-top:0.3mm solid #d5dbe1;padding-top:3mm;font-size:8.5pt;color:#333}
.definitions h2{font-size:11pt}
.definitions ol{margin:0;padding-left:5mm}
@media screen{
  body{background:#e9edf1}
  main{max-width:210mm;padding:16px 0}
  section{background:#fff;margin:0 auto 16px;padding:18mm 14mm;box-shadow:0 1px 4px rgba(0,0,0,.15)}
  .scroll{overflow-x:auto}
}
@media screen and (max-width:640px){
  body{font-size:15px}
  main{padding:0}
  section{padding:20px 14px;margin-bottom:10px;box-shadow:none}
  h1{font-size:26px}
  h2{font-size:20px}
  h3{font-size:17px}
  table,table.headline{font-size:13px}
  th,td{padding:6px 5px}
  thead th.num{white-space:normal}
  tbody th{min-width:8.5em}
  svg.chart{min-width:520px}
  .cover{padding-top:24px}
  .facts{grid-template-columns:1fr;gap:2px}
  .facts dd{margin-bottom:8px}
}
`;
