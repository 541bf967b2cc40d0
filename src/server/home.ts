/** GET /: a plain page (no script, so it passes the strict CSP) saying what this server is and how to use it. */
const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function homePage(version: string, demo: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Serious Violence Observatory</title></head>
<body>
<h1>Serious Violence Observatory</h1>
<p>svo ${escape(version)}${demo ? ' — <strong>demo data: synthetic records, not real people or places</strong>' : ''}</p>
<p>This server answers the svo API. Sign in with <code>POST /api/login</code> (JSON <code>{"username", "password"}</code>);
send the returned <code>csrfToken</code> as the <code>X-CSRF-Token</code> header with every POST.</p>
<ul>
<li><a href="/api/health">/api/health</a>: status</li>
<li><a href="/api/openapi.json">/api/openapi.json</a>: every endpoint</li>
<li><a href="/api/summary">/api/summary</a>: what the store holds (signed in)</li>
</ul>
<p>A dashboard will follow.</p>
</body></html>`;
}
