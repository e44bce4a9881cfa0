/**
 * The verifier's two pages: `/verify` (paste a notice, or open a QR code's link, and read the verdict) and
 * `/verify/print` (one notice on A4 with its QR code). Both are static shells; their scripts (browser/*.ts) fill
 * them in with `textContent` only. Everything is served by the hub itself (see verifier.ts): no CDN, no inline
 * script or style, so the CSP can be `script-src 'self'; style-src 'self'`.
 */

const FONT = 'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

export const VERIFIER_CSS = `
:root { color-scheme: light; --ink: #1f1a17; --muted: #6b625c; --line: #d9d0c7; --paper: #fffaf3; --brand: #7a2e1d;
  --green: #16703a; --green-bg: #e3f4e8; --red: #a4161a; --red-bg: #fde7e7; --amber: #8a5a00; --amber-bg: #fff1cc; --grey-bg: #eeeae6; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); font-family: ${FONT}; font-size: 17px; line-height: 1.55; }
main { max-width: 44rem; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.45rem; margin: 0.2em 0 0.4em; color: var(--brand); }
h1 span, label span, button span { font-weight: 400; }
[lang="en"] { color: var(--muted); }
header p { margin: 0.3em 0; font-size: 0.95rem; }
label { display: block; margin: 1em 0 0.3em; font-weight: 600; }
textarea { width: 100%; min-height: 10em; padding: 10px; border: 1px solid var(--line); border-radius: 8px; font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; background: #fff; }
button, .button { display: inline-block; margin: 0.8em 0; padding: 0.6em 1.6em; border: 0; border-radius: 8px; background: var(--brand); color: #fff; font: 600 1.1rem ${FONT}; cursor: pointer; text-decoration: none; }
button [lang="en"], .button [lang="en"] { color: #fde9dc; }
button:disabled { opacity: 0.5; cursor: default; }
.status { color: var(--muted); font-size: 0.95rem; }
.verdict { margin: 1em 0; padding: 16px; border-radius: 12px; border: 3px solid var(--line); background: var(--grey-bg); }
.verdict-word { margin: 0 0 0.3em; font-size: 2.1rem; font-weight: 800; line-height: 1.2; }
.verdict-word [lang="en"] { font-size: 1.2rem; font-weight: 600; color: inherit; opacity: 0.85; }
.verdict-message { margin: 0.2em 0; font-size: 1.05rem; }
.verdict.genuine { border-color: var(--green); background: var(--green-bg); }
.verdict.genuine .verdict-word { color: var(--green); }
.verdict.refused { border-color: var(--red); background: var(--red-bg); }
.verdict.refused .verdict-word { color: var(--red); }
.verdict.caution { border-color: var(--amber); background: var(--amber-bg); }
.verdict.caution .verdict-word { color: var(--amber); }
.verdict.unknown .verdict-word { color: var(--muted); }
.note { font-size: 0.95rem; border-left: 4px solid var(--amber); padding-left: 8px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0.8em 0; font-size: 0.95rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.document { margin-top: 1em; padding: 12px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
.document-label { margin: 0; font-size: 0.9rem; color: var(--muted); }
.document h2 { font-size: 1.25rem; margin: 0.3em 0; }
.document-body, .notice-body { white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 2em; font-size: 0.85rem; color: var(--muted); }
footer a { color: var(--brand); }
/* The printable notice: one A4 sheet. */
.sheet { max-width: 190mm; background: #fff; }
.toolbar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.issuer { font-size: 1.2rem; font-weight: 700; color: var(--brand); margin: 0; }
.kind { margin: 0; color: var(--muted); }
.sheet h1 { font-size: 1.9rem; color: var(--ink); margin: 0.5em 0; }
.notice-body { font-size: 1.15rem; margin: 0 0 1em; }
.qr { display: flex; gap: 16px; align-items: center; margin: 1.2em 0 0; padding-top: 1em; border-top: 1px dashed var(--line); }
.qr img { width: 42mm; height: 42mm; image-rendering: pixelated; flex: none; }
.qr figcaption { font-size: 0.95rem; }
.qr .link { font: 11px/1.3 ui-monospace, Menlo, Consolas, monospace; color: var(--muted); overflow-wrap: anywhere; }
.problem { color: var(--red); font-weight: 600; }
@page { size: A4; margin: 16mm; }
@media print {
  body { background: #fff; font-size: 12pt; }
  main { max-width: none; padding: 0; }
  .no-print, button, .button { display: none !important; }
}
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function shell(title: string, assetUrl: (name: string) => string, script: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assetUrl('verifier.css'))}">
<script type="module" src="${escapeHtml(assetUrl(script))}"></script>
</head>
<body>
${body}
</body>
</html>
`;
}

/** `/verify`; `assetUrl(name)` gives each asset's versioned URL. */
export function renderVerifyPage(assetUrl: (name: string) => string): string {
  return shell(
    '核验通知 Verify a notice · 里弄 Lilong',
    assetUrl,
    'verify.js',
    `<main>
<header>
<h1>核验通知真伪 <span lang="en">Is this notice genuine?</span></h1>
<p>粘贴居委通知或信息简报的全文（转发的聊天消息也可以），或用手机扫描纸质通知上的二维码。核验在您的浏览器里完成，依据的是各社区公布的公钥，不依赖街道枢纽的说法。</p>
<p lang="en">Paste the whole text of a residents' committee notice or digest (a forwarded chat message will do), or scan the QR code on a printed notice. The check runs in your browser against each community's published public key, not on the hub's word.</p>
</header>
<label for="notice-text">通知全文 <span lang="en">Notice text</span></label>
<textarea id="notice-text" rows="8" spellcheck="false" autocomplete="off" autocapitalize="off" placeholder="{ &quot;format&quot;: &quot;lilong-signed/1&quot;, … }"></textarea>
<button id="verify-button" type="button" disabled>核验 <span lang="en">Verify</span></button>
<p id="status" class="status" role="status">正在加载核验程序… <span lang="en">Loading the verifier…</span></p>
<noscript><p class="problem">核验需要启用 JavaScript。<span lang="en">Checking needs JavaScript.</span></p></noscript>
<section id="verdict" class="verdict" aria-live="polite" hidden>
<p class="verdict-word"><span id="verdict-word-zh"></span> <span id="verdict-word-en" lang="en"></span></p>
<p id="verdict-zh" class="verdict-message"></p>
<p id="verdict-en" class="verdict-message" lang="en"></p>
<p id="verdict-note" class="note" hidden></p>
<dl id="verdict-facts" class="facts"></dl>
<article id="verdict-document" class="document" hidden>
<p class="document-label">请核对纸质通知与签名原文是否一致 <span lang="en">Check the paper says the same as the signed text:</span></p>
<h2 id="document-title"></h2>
<p id="document-body" class="document-body"></p>
</article>
</section>
<footer>
<p>各社区公钥 Community keys: <a href="/notice-keys.json">/notice-keys.json</a>。离线核验 Offline: <code>npm run verify-notice -- --keys notice-keys.json notice.txt</code></p>
</footer>
</main>`,
  );
}

/** `/verify/print#id=<notice id>`: a notice on A4 with the QR code of its verifier link. */
export function renderPrintPage(assetUrl: (name: string) => string): string {
  return shell(
    '打印通知 Print a notice · 里弄 Lilong',
    assetUrl,
    'print.js',
    `<main class="sheet">
<div class="toolbar no-print">
<button id="print-button" type="button" disabled>打印 <span lang="en">Print</span></button>
<a id="verify-link" class="button" href="/verify">核验 <span lang="en">Verify</span></a>
</div>
<p id="status" class="status no-print" role="status">正在载入通知… <span lang="en">Loading the notice…</span></p>
<noscript><p class="problem">需要启用 JavaScript。<span lang="en">This page needs JavaScript.</span></p></noscript>
<article id="notice" hidden>
<p id="notice-community" class="issuer"></p>
<p class="kind">通知 <span lang="en">Notice</span> · <span id="notice-category"></span></p>
<h1 id="notice-title"></h1>
<div id="notice-body" class="notice-body"></div>
<dl id="notice-facts" class="facts"></dl>
<figure class="qr">
<img id="notice-qr" alt="核验二维码 QR code to verify this notice">
<figcaption>
<p>用手机扫描二维码，核验这份通知是否为社区居委会所发、是否仍然有效。<br><span lang="en">Scan with any phone to check this notice is genuine and still in force.</span></p>
<p id="notice-link" class="link"></p>
</figcaption>
</figure>
</article>
</main>`,
  );
}
