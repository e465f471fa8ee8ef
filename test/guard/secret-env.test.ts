import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/guard/redact.js';
import { secretEnvValues } from '../../src/guard/secret-env.js';

describe('secretEnvValues', () => {
  it('picks secret-named variables and passwords in credentialed URLs, nothing else', () => {
    const env = {
      GITHUB_TOKEN: 'gho_notARealTokenButLongEnough',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      MCP_BASTION_STORAGE_KEY: 'c2VjcmV0LWtleS1ieXRlcw==',
      DB_PASSWORD: 'correct-horse',
      SLACK_WEBHOOK_SECRET: 'whsec_1234567890',
      DATABASE_URL: 'postgres://app:p%40ss-w0rd-99@db:5432/app',
      PATH: '/usr/local/bin:/usr/bin',
      PWD: '/home/dev/project',
      SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
      GOOGLE_APPLICATION_CREDENTIALS_FILE: '/etc/gcp/key.json',
      API_KEY_ID: 'key-identifier-1',
      DEBUG_TOKEN_LOGGING: 'true',
      KEYBOARD_LAYOUT: 'de-nodeadkeys',
      NPM_TOKEN: 'short',
      HOME: '/home/dev',
      UNSET: undefined,
    };
    expect(secretEnvValues(env).sort()).toEqual(
      [
        'gho_notARealTokenButLongEnough',
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'c2VjcmV0LWtleS1ieXRlcw==',
        'correct-horse',
        'whsec_1234567890',
        'p%40ss-w0rd-99',
        'p@ss-w0rd-99',
      ].sort(),
    );
  });

  it('feeds redactSecrets so an upstream echoing the gateway env leaks nothing', () => {
    const env = { UPSTREAM_API_TOKEN: 'tok-9f8e7d6c5b4a', DATABASE_URL: 'mysql://root:hunter2hunter2@db/x' };
    const leaked = `env: UPSTREAM_API_TOKEN=${env.UPSTREAM_API_TOKEN}\npw=${'hunter2hunter2'}\n${Buffer.from(env.UPSTREAM_API_TOKEN).toString('base64')}`;
    const { text } = redactSecrets(leaked, { extraValues: secretEnvValues(env) });
    expect(text).not.toContain('tok-9f8e7d6c5b4a');
    expect(text).not.toContain('hunter2hunter2');
    expect(text).not.toContain(Buffer.from(env.UPSTREAM_API_TOKEN).toString('base64'));
  });
});
