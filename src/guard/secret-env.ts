/**
 * Which environment values are secrets the output guard should mask (`extraSecretValues`):
 * the gateway's own env and the env it passes to upstreams. Chosen by variable name, since a
 * value alone says nothing; passwords inside connection-string URLs are taken out too.
 */
import { MIN_EXTRA_VALUE_LENGTH } from './redact.js';

// TOKEN, SECRET, PASSWORD anywhere; KEY, PAT, AUTH, CREDENTIALS as a whole name part.
const SECRET_NAME = /TOKEN|SECRET|PASSW(?:OR)?D|PASSPHRASE|(?:^|_)(?:KEY|APIKEY|PAT|AUTH|CREDENTIALS?|PRIVATE_KEY)(?:_|$)/i;
// Names that say where a secret lives or what it is called, not what it is.
const NOT_SECRET_NAME =
  /(?:_(?:PATH|FILE|DIR|SOCK|ID|HOST|PORT|USER|USERNAME|NAME|TYPE|REGION|URL|URI|ENDPOINT|HEADER|EXPIRY|EXPIRES|TTL))$|^(?:PWD|OLDPWD)$/i;
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:([^\s@/]+)@/i;

/** Values of `env` to pass as `extraSecretValues`: secret-named variables and passwords in credentialed URLs. */
export function secretEnvValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') continue;
    const urlPassword = URL_PASSWORD.exec(value)?.[1];
    if (urlPassword !== undefined) {
      let decoded = urlPassword;
      try {
        decoded = decodeURIComponent(urlPassword);
      } catch {
        // Not percent-encoded after all: keep it as written.
      }
      for (const v of [urlPassword, decoded]) if (v.length >= MIN_EXTRA_VALUE_LENGTH) out.add(v);
    }
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name)) continue;
    if (value.length < MIN_EXTRA_VALUE_LENGTH || /^(?:true|false|yes|no|on|off|\d+)$/i.test(value)) continue;
    out.add(value);
  }
  return [...out];
}
