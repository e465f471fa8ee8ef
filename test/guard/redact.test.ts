import { describe, expect, it } from 'vitest';
import { exportPKCS8, generateKeyPair, SignJWT } from 'jose';
import { redactSecrets, redactValue } from '../../src/guard/redact.js';

const kinds = (text: string, extraValues?: string[]): Record<string, number> =>
  Object.fromEntries(redactSecrets(text, { extraValues }).redactions.map((r) => [r.kind, r.count]));

// Fixture secrets are assembled at run time so no scanner flags this file as leaking them.
const GHP = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redactSecrets: formats', () => {
  const cases: Array<[string, string, string]> = [
    ['aws-access-key-id', 'key id AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws-access-key-id', 'temp ASIAY34FZKBOKMUTVV7A,', 'ASIAY34FZKBOKMUTVV7A'],
    ['aws-secret-access-key', `aws_secret_access_key = ${AWS_SECRET}\n`, AWS_SECRET],
    ['aws-secret-access-key', `{"SecretAccessKey": "${AWS_SECRET}"}`, AWS_SECRET],
    ['github-token', `token is ${GHP}.`, GHP],
    ['github-token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF', 'github_pat_11ABCDEFG0123456789'],
    ['npm-token', '//registry.npmjs.org/:_authToken npm_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', 'a1B2c3D4e5F6g7H8'],
    [
      'secret-assignment',
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;',
      'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==',
    ],
    ['gitlab-token', 'glpat-xYz12345678901234567', 'glpat-xYz12345678901234567'],
    ['slack-token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKl', 'xoxb-123456789012'],
    ['stripe-key', 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc', '4eC39HqLyjWDarjtT1zdp7dc'],
    ['stripe-key', 'rk_live_' + '51H8xYzAbCdEfGhIjKlMn0', '51H8xYzAbCdEfGhIjKlMn0'],
    ['google-api-key', 'key=AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v', 'AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v'],
    ['api-key', 'OPENAI_API_KEY is sk-proj-Ab12Cd34Ef56Gh78Ij90KlMnOpQr', 'Ab12Cd34Ef56Gh78'],
    ['api-key', 'sk-ant-api03-XyZ12aBc34DeF56gHi78JkL90mNoP', 'XyZ12aBc34'],
    ['secret-assignment', 'DB_PASSWORD=hunter2hunter2\nPORT=5432', 'hunter2hunter2'],
    ['secret-assignment', '{"client_secret": "s3cr3t-value-42"}', 's3cr3t-value-42'],
    ['secret-assignment', "api_key: 'q8Zr1xTt0pLm'", 'q8Zr1xTt0pLm'],
    ['connection-string-password', 'DATABASE_URL=postgres://app:Sup3rS3cret@db.internal:5432/app', 'Sup3rS3cret'],
    ['connection-string-password', 'mongodb+srv://user:p%40ssw0rd@cluster0.example.net/db', 'p%40ssw0rd'],
    ['bearer-token', 'curl -H "X-Upstream: Bearer 4f9a2c0d1e7b8a6c5d4e3f2a1b0c9d8e"', '4f9a2c0d1e7b8a6c5d4e3f2a1b0c9d8e'],
    ['authorization-header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['bearer-token', 'curl -H "x: Bearer Zm9vYmFyQmF6MTIzNDU2Nzg5MA9xYz"', 'Zm9vYmFyQmF6MTIzNDU2Nzg5MA9xYz'],
  ];
  for (const [kind, input, secret] of cases) {
    it(`masks ${kind} in ${JSON.stringify(input.slice(0, 40))}`, () => {
      const { text, redactions } = redactSecrets(input);
      expect(text).not.toContain(secret);
      expect(text).toContain(`[REDACTED:${kind}]`);
      expect(redactions.find((r) => r.kind === kind)?.count).toBeGreaterThanOrEqual(1);
    });
  }

  it('masks the password of a connection string and nothing else of it', () => {
    expect(redactSecrets('redis://default:abcd1234@cache:6379/0').text).toBe(
      'redis://default:[REDACTED:connection-string-password]@cache:6379/0',
    );
  });

  it('masks a real signed JWT, and an unsigned one', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const jwt = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(redactSecrets(`token=${jwt}`).text).not.toContain(jwt.split('.')[1]);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
    expect(kinds(`id ${none} end`)).toEqual({ jwt: 1 });
  });

  it('masks a PEM private key block from BEGIN to END, and a truncated one through its body', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const body = pem.split('\n')[5] ?? '';
    const out = redactSecrets(`before\n${pem}\nafter`).text;
    expect(out).toBe('before\n[REDACTED:private-key]\nafter');
    const cut = pem.slice(0, 400);
    const out2 = redactSecrets(`x ${cut}`).text;
    expect(out2).toBe('x [REDACTED:private-key]');
    expect(out2).not.toContain(body.slice(0, 20));
    expect(kinds('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----')).toEqual({
      'private-key': 1,
    });
  });

  it('masks configured values inside JSON text and in hex', () => {
    const secret = 'pa"ss\\word-42';
    const input = `${JSON.stringify({ env: secret })} ${Buffer.from(secret).toString('hex')}`;
    const { text } = redactSecrets(input, { extraValues: [secret] });
    expect(text).toBe('{"env":"[REDACTED:configured-secret]"} [REDACTED:configured-secret]');
  });

  it('masks configured values literally and in base64 and URL-encoded form, ignoring short ones', () => {
    const secret = 'correct horse/battery+staple';
    const input = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), 'pw: short'].join(' | ');
    const { text, redactions } = redactSecrets(input, { extraValues: [secret, 'short'] });
    expect(text).toBe('[REDACTED:configured-secret] | [REDACTED:configured-secret] | [REDACTED:configured-secret] | pw: short');
    expect(redactions).toEqual([{ kind: 'configured-secret', count: 3 }]);
  });
});

describe('redactSecrets: what an attacker or a noisy tool tries to slip past, and ordinary text', () => {
  it('masks keys glued to punctuation, in JSON, in URLs and across lines', () => {
    const input = `{"k":"AKIAIOSFODNN7EXAMPLE"}\nhttps://x.test/?token=${GHP}&a=1\n(${GHP})`;
    const out = redactSecrets(input).text;
    expect(out).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(out).not.toContain(GHP);
  });

  it('does not let a rejected assignment hide the one after it', () => {
    const out = redactSecrets('max_tokens=100 next_page_token=CAESAggB password=letmein123').text;
    expect(out).toBe('max_tokens=100 next_page_token=CAESAggB password=[REDACTED:secret-assignment]');
  });

  it('leaves ordinary text alone', () => {
    const benign = [
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (HEAD -> main)',
      'id: 123e4567-e89b-12d3-a456-426614174000',
      'The password field is required. Enter your token in settings.',
      'password: string; token?: string; apiKey: process.env.API_KEY',
      'secret: ${{ secrets.NPM_TOKEN }} and password: "********" and token=<your token>',
      'Use scikit-learn and sk-learn-compatible-estimators-for-pipelines.',
      'max_tokens: 4096, token_count: 12, tokenizer: "cl100k_base"',
      'With `ignoreWhitespace: true` and `newlineIsToken: false`, nothing changes; hasPassword=present',
      'password: "your-cluster-password" and secret: "<set me>"',
      'const token = tokens[i]; const password = options.password; secret = appSecret; key = getKey(name)',
      'redis://username:password@localhost:6379 (check the password: redis://:password@host form too)',
      'issueCredential: openid4vciIssueCredential, token: IToken, secret: SignatureKey, verifyToken: (token: string) => boolean',
      "const authorization = getAuthorization('authorization'); token: '/token'; if (pem.indexOf('-----BEGIN PRIVATE KEY-----') !== 0)",
      '* - For client_credentials: detected via grant_types; idtoken: "client secret is expired - cannot issue an ID Token"',
      'https://example.com:8080/path?q=1 and ftp://files.example.org/pub',
      'Authorization: Bearer $TOKEN',
      'Send it as Bearer authentication; see the Bearer-token docs.',
      'The task-force met on 2024-01-02; see AKIA docs for key formats.',
      'sha256-Xyz+abc/def== integrity and eyJhbGciOi (truncated)',
    ].join('\n');
    const { text, redactions } = redactSecrets(benign);
    expect(redactions).toEqual([]);
    expect(text).toBe(benign);
  });

  it('leaves data: URI images alone (masking would corrupt them) but still masks keys next to them', () => {
    const png = Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 256)).toString('base64');
    const input = `<img src="data:image/png;base64,${png}"> key AKIAIOSFODNN7EXAMPLE`;
    const { text, redactions } = redactSecrets(input);
    expect(text).toContain(png);
    expect(redactions).toEqual([{ kind: 'aws-access-key-id', count: 1 }]);
  });

  it('finishes on 1 MB adversarial inputs (no catastrophic backtracking)', () => {
    const mb = 1 << 20;
    const fill = (unit: string): string => unit.repeat(Math.ceil(mb / unit.length)).slice(0, mb);
    const inputs = [
      fill('eyJ-'),
      fill('a=password='),
      fill('password: "'),
      fill('-----BEGIN RSA PRIVATE KEY-----\n'),
      fill('postgres://a:'),
      fill('a://b:c'),
      fill('sk-aaaa'),
      fill('Authorization: Bearer '),
      fill('AKIA'),
      fill('x'),
      fill('a '),
      fill('ghp_' + 'a'.repeat(30) + '-'),
      fill(' secret_access_key= '),
      fill('eyJhbGciOiJIUzI1NiJ9.'),
      // Values after a credential key are checked for code and identifier shapes: no nested quantifier may blow up on them.
      'password=' + fill('aAaa') + '1',
      'password=' + fill('aA') + '!',
      'token: "' + fill('aAaa').slice(0, 480) + '1"',
      'secret=' + fill('a.b(') + ')',
      'authorization: ' + fill('xY') + '9',
      fill('password=' + 'aAaa'.repeat(60) + '1 '),
      fill('token: "' + 'aAaa'.repeat(60) + '1" '),
      fill('secret=a.b.c.d.e(f(g( '),
    ];
    for (const input of inputs) {
      const { text } = redactSecrets(input, { extraValues: ['aaaaaaaaaaaaaaaa'] });
      expect(typeof text).toBe('string');
    }
  });
});

describe('redactValue', () => {
  it('returns a redacted copy and leaves the input unchanged', () => {
    const input = { rows: [{ user: 'bob', note: `key ${GHP}` }], headers: { Authorization: 'opaque-value-123' }, password: 'x1' };
    const { value, redactions } = redactValue(input);
    expect(value).toEqual({
      rows: [{ user: 'bob', note: 'key [REDACTED:github-token]' }],
      headers: { Authorization: '[REDACTED:secret-field]' },
      password: '[REDACTED:secret-field]',
    });
    expect(input.rows[0]?.note).toContain(GHP);
    expect(redactions).toEqual([
      { kind: 'github-token', count: 1 },
      { kind: 'secret-field', count: 2 },
    ]);
  });

  it('keeps pagination tokens, counts and non-string values', () => {
    const input = { nextPageToken: 'CAESAggB', maxTokens: 100, token_type: 'Bearer', ok: true, n: null };
    expect(redactValue(input)).toEqual({ value: input, redactions: [] });
  });
});
