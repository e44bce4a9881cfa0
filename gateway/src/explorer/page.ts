/**
 * The explorer page's text: the HTML shell, its stylesheet and the GraphiQL bootstrap script. Everything here is
 * served from the hub itself (see `explorer.ts`); nothing points at a CDN or any other origin.
 */

/** The query the editor opens with on a first visit (GraphiQL keeps the user's own edits in localStorage). */
export const DEFAULT_QUERY = `# 街道概览 Sub-district overview: every community with its compounds, shops and volunteers
query SubDistrict {
  communities {
    code
    name
    status
    compounds { name kind householdCount }
    shops { name kind products { name unit priceFen stock { available } } }
    volunteers { displayName skills vehicleSeats zone available }
  }
}
`;

export const TOKEN_COMMAND = 'npm run token -- --as committee-of xinhua-1';

/**
 * Mounts GraphiQL (React 18 UMD globals `React`, `ReactDOM`, and `GraphiQL` from graphiql.min.js). Served as
 * `/explorer/assets/explorer.js` so the page's CSP needs no 'unsafe-inline' for scripts.
 */
export const BOOTSTRAP_JS = `(function () {
  'use strict';
  var url = '/graphql';
  var fetcher = typeof GraphiQL.createFetcher === 'function'
    ? GraphiQL.createFetcher({ url: url, enableIncrementalDelivery: false })
    : function (params, options) {
        return fetch(url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, options && options.headers),
          body: JSON.stringify(params)
        }).then(function (response) { return response.json(); });
      };
  var h = React.createElement;
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    h(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers'
    }, h(GraphiQL.Logo, null, '里弄 Lilong'))
  );
})();
`;

const STYLE = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
.lilong-bar { flex: none; padding: 8px 16px; background: #7a2e1d; color: #fff8ef; line-height: 1.5; }
.lilong-bar h1 { margin: 0; font-size: 16px; font-weight: 600; }
.lilong-bar p { margin: 2px 0 0; font-size: 13px; opacity: 0.92; }
.lilong-bar code { background: rgba(255, 255, 255, 0.16); padding: 0 4px; border-radius: 3px; font-size: 12px; }
#graphiql { flex: 1; min-height: 0; }
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page; `assetUrl(name)` gives each asset's (cache-busted) URL under /explorer/assets/. */
export function renderPage(assetUrl: (name: string) => string): string {
  const cmd = `<code>${escapeHtml(TOKEN_COMMAND)}</code>`;
  const header = `<code>${escapeHtml('{"Authorization": "Bearer <token>"}')}</code>`;
  const script = (name: string) => `<script src="${escapeHtml(assetUrl(name))}"></script>`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>里弄 Lilong · 街道枢纽 API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assetUrl('graphiql.min.css'))}">
<style>${STYLE}</style>
</head>
<body>
<header class="lilong-bar">
<h1>里弄 Lilong — 街道枢纽 Sub-district hub</h1>
<p>获取令牌：在仓库根目录运行 ${cmd}，然后在下方“Headers”中填入 ${header}。未带令牌时以匿名身份查询。</p>
<p lang="en">Get a token: run ${cmd} in the repository root, then paste ${header} into the Headers tab below. Without a token you query anonymously.</p>
</header>
<div id="graphiql">正在加载 GraphiQL… Loading GraphiQL…</div>
${script('react.production.min.js')}
${script('react-dom.production.min.js')}
${script('graphiql.min.js')}
${script('explorer.js')}
</body>
</html>
`;
}
