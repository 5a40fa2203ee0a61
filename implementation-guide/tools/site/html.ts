/**
 * HTML helpers and the page layout of the guide site: no external assets, no scripts, no inline styles (the
 * server's Content-Security-Policy for /ig/ allows the site's own stylesheet only); responsive.
 */

export function esc(s: unknown): string {
  return String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface MenuItem { href: string; title: string }

export interface Layout { siteTitle: string; version: string; menu: MenuItem[] }

export function page(layout: Layout, title: string, body: string, lang = 'es'): string {
  const nav = layout.menu.map((m) => `<a href="${esc(m.href)}">${esc(m.title)}</a>`).join('');
  return `<!doctype html>
<html lang="${esc(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(layout.siteTitle)}</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="icon.svg" type="image/svg+xml">
</head>
<body>
<header><div class="brand"><a href="index.html">${esc(layout.siteTitle)}</a> <span class="ver">${esc(layout.version)}</span></div>
<nav>${nav}</nav></header>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
<footer>Guía generada por <code>npm run ig</code> (HMS-OPS). Borrador: no es una publicación oficial del MSPBS. <a href="downloads.html">Paquete FHIR</a></footer>
</body>
</html>
`;
}

/** A table inside a horizontally scrollable box (phones). */
export function table(headers: string[], rows: string[][], cls = ''): string {
  if (!rows.length) return '<p class="empty">—</p>';
  return `<div class="tbl"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table></div>`;
}

/** The site's icon (browsers ask for /favicon.ico when a page names none). */
export const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b3d6b"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2.5"/></svg>
`;

/** Indentation levels of nested elements and concepts, as classes of the stylesheet (a style attribute would be inline style). */
const INDENT_LEVELS = 8;

/** The class that indents a row's first cell by its nesting depth (deeper levels share the last one). */
export function indent(depth: number): string {
  return `in${Math.max(0, Math.min(depth, INDENT_LEVELS))}`;
}

const INDENT_CSS = Array.from({ length: INDENT_LEVELS }, (_, i) => `.in${i + 1}{padding-left:${((i + 1) * 0.8).toFixed(1)}em}`).join('');

export const CSS = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#fff;overflow-wrap:break-word}
header>*,.card{min-width:0;overflow-wrap:anywhere}
header{background:#0b3d6b;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem}
header a{color:#fff;text-decoration:none}
.brand{font-weight:600}.ver{font-weight:400;opacity:.8;font-size:.85em}
nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem}nav a{padding:.2rem 0;border-bottom:2px solid transparent}nav a:hover{border-color:#fff}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #dde3ea}
a{color:#0b5cad}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
pre{background:#f4f6f9;padding:.75rem;overflow-x:auto;border-radius:4px}
.tbl{overflow-x:auto;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border:1px solid #dde3ea;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef2f7}
td.path{white-space:nowrap}
${INDENT_CSS}
.muted{color:#5b6675}.tag{display:inline-block;font-size:.78em;padding:0 .35em;border-radius:3px;background:#eef2f7;margin-right:.25em}
.review{background:#fff3cd;color:#6b4e00}.req{background:#fde2e1;color:#8a1c15}.ext{background:#e1f0fd}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.75rem}
.card{border:1px solid #dde3ea;border-radius:6px;padding:.6rem .8rem}.card h3{margin:.1rem 0 .3rem;font-size:1.02rem}
footer{border-top:1px solid #dde3ea;color:#5b6675;font-size:.85rem;padding:1rem;text-align:center}
@media (max-width:40rem){body{font-size:15px}h1{font-size:1.3rem}main{padding:.6rem}th,td{padding:.25rem .3rem}}
`;
