import { createHash } from 'node:crypto';
import { escapeHtml } from './http-util.js';

/** Everything the consent page shows. All of it is escaped: client names and URIs are attacker-chosen. */
export interface ConsentView {
  readonly clientName: string | undefined;
  readonly clientId: string;
  readonly clientKind: 'dcr' | 'cimd';
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly serverName: string;
  readonly action: string;
  readonly txn: string;
  readonly csrf: string;
  readonly render: string;
  /** A CIMD client redirecting to loopback: anyone can claim that document and a local port. */
  readonly loopbackWarning: boolean;
}

const CSS = `body{font:16px/1.5 system-ui,sans-serif;background:#f5f6f8;color:#1c1e21;margin:0;padding:2rem}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 1rem}.host{font-size:1.6rem;font-weight:700;word-break:break-all;color:#0b57d0;margin:.25rem 0 1rem}
.label{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#5f6368;margin-top:1rem}
code{background:#f1f3f4;padding:.1rem .35rem;border-radius:4px;word-break:break-all}
ul{padding-left:1.2rem}.warn{background:#fff4e5;border:1px solid #f0a030;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.buttons{display:flex;gap:1rem;margin-top:1.5rem}button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid #c4c7c5;cursor:pointer;background:#fff}
p.meta{font-size:.85rem;color:#5f6368}
button.approve{background:#0b57d0;color:#fff;border-color:#0b57d0}`;

/** CSP hash of the one inline stylesheet: no 'unsafe-inline' needed. */
export const CSS_HASH = `'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'`;

export function renderConsentPage(v: ConsentView): string {
  const redirect = new URL(v.redirectUri);
  const host = redirect.host || redirect.protocol;
  const name = v.clientName?.trim() ? v.clientName.trim() : 'An unnamed application';
  const scopes = v.scopes.length
    ? v.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')
    : '<li>no specific permissions</li>';
  const warning = v.loopbackWarning
    ? `<div class="warn" role="alert"><strong>Caution:</strong> this application sends you back to <strong>${escapeHtml(host)}</strong> on this computer. Any program on your computer could be receiving this. Approve only if you started this sign-in yourself.</div>`
    : '';
  const kind =
    v.clientKind === 'cimd'
      ? `Identified by <code>${escapeHtml(v.clientId)}</code>`
      : `Registered client <code>${escapeHtml(v.clientId)}</code>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>Authorize ${escapeHtml(name)}</title><style>${CSS}</style></head>
<body><main>
<h1><strong>${escapeHtml(name)}</strong> wants to access ${escapeHtml(v.serverName)}</h1>
<div class="label">After you approve, you will be sent to</div>
<div class="host" id="redirect-host">${escapeHtml(host)}</div>
<div>Full address: <code>${escapeHtml(v.redirectUri)}</code></div>
${warning}
<div class="label">Permissions requested</div><ul id="scopes">${scopes}</ul>
<p class="meta">${kind}</p>
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="txn" value="${escapeHtml(v.txn)}"><input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}"><input type="hidden" name="render" value="${escapeHtml(v.render)}">
<div class="buttons"><button class="approve" type="submit" name="action" value="approve" id="approve">Approve</button><button type="submit" name="action" value="deny" id="deny">Deny</button></div>
</form></main></body></html>`;
}

/**
 * The page may not be framed (clickjacking), may run no script, load nothing, and submit its
 * form only to us. Chromium applies form-action to the redirects after a submission too, so
 * the upstream (approve) and the client's redirect origin (deny) are listed as well.
 */
export function consentHeaders(formTargets: readonly string[]): Record<string, string> {
  const targets = ["'self'", ...new Set(formTargets.filter((t) => /^[a-z][a-z0-9+.-]*:(\/\/[A-Za-z0-9.:[\]-]+)?$/i.test(t)))].join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'x-frame-options': 'DENY',
    'content-security-policy': `default-src 'none'; style-src ${CSS_HASH}; form-action ${targets}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    // Not no-referrer: with it Chromium sends `Origin: null` on the form post, which the
    // Origin check refuses. same-origin still keeps the transaction id away from other sites.
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  };
}

/** CSP source for a redirect URI: its origin, or just the scheme for private-use schemes. */
export function cspSourceFor(uri: string): string {
  const u = new URL(uri);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : u.protocol;
}
