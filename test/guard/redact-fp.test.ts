import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/guard/redact.js';
import { REPO_ROOT } from '../storage/helpers.js';

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? jsFiles(p) : /\.js$/.test(e) ? [p] : [];
  });
}

describe('redaction false positives on real source code', () => {
  // Auth libraries: code dense with token, secret, password, privateKey and authorization identifiers.
  const dirs = ['jose/dist/webapi', 'oidc-provider/lib', 'ioredis/built', 'openid-client/build', 'oauth4webapi/build'];
  it(`masks nothing in ${dirs.join(', ')}`, () => {
    let bytes = 0;
    const hits: string[] = [];
    for (const dir of dirs) {
      for (const file of jsFiles(join(REPO_ROOT, 'node_modules', dir))) {
        const text = readFileSync(file, 'utf8');
        bytes += text.length;
        const { redactions } = redactSecrets(text);
        if (redactions.length > 0) hits.push(`${file}: ${JSON.stringify(redactions)}`);
      }
    }
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(hits).toEqual([]);
  }, 60_000);
});
