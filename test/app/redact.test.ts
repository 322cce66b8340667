// The one redactor (src/shared/redact.ts), against every shape a secret takes in a log line,
// a diagnostics export or an error message: each secret is gone, the text around it stays.
import { describe, expect, it } from 'vitest';
import { isSecretName, redact, redactText } from '../../src/shared/redact';
import { redactText as mainRedactText } from '../../src/main/app/redact';
import { proxyFor } from '../../src/main/core/est/proxy';

const SECRET = 'S3cr3t-Value_42';

describe('the redactor', () => {
  it.each([
    // Authorization headers: the scheme and the token both go.
    ['Authorization: Basic abc', 'Authorization: [redacted]'],
    [`Authorization: Bearer ${SECRET}`, 'Authorization: [redacted]'],
    [`authorization: Negotiate ${SECRET}`, 'authorization: [redacted]'],
    [`Authorization: NTLM ${SECRET}\nHost: bank`, 'Authorization: [redacted]\nHost: bank'],
    [`Proxy-Authorization: Basic ${SECRET}`, 'Proxy-Authorization: [redacted]'],
    [`Cookie: a=1; session=${SECRET}`, 'Cookie: [redacted]'],
    [`{"authorization":"Basic ${SECRET}","host":"bank"}`, '{"authorization":"[redacted]","host":"bank"}'],
    // URLs with credentials.
    [`proxy http://user:${SECRET}@proxy.local:3128 failed`, 'proxy http://***@proxy.local:3128 failed'],
    [`https://u:p@ss${SECRET}@bank.example/path?x=1`, 'https://***@bank.example/path?x=1'],
    [`HTTPS_PROXY=http://alice@proxy:8080`, 'HTTPS_PROXY=http://***@proxy:8080'],
    [`proxy "user:${SECRET}@proxy.local:3128" is not a URL`, 'proxy "***@proxy.local:3128" is not a URL'],
    // Fields: JSON, k=v, k: v, query strings, Japanese names.
    [`{"password":"${SECRET}","loginId":"u1"}`, '{"password":"[redacted]","loginId":"u1"}'],
    [`{"password": "a\\"b${SECRET}", "x": 1}`, '{"password": "[redacted]", "x": 1}'],
    [`{\\"passphrase\\":\\"${SECRET}\\"}`, '{\\"passphrase\\":\\"[redacted]\\"}'],
    [`{"pin": 1234, "x": 1}`, '{"pin": [redacted], "x": 1}'],
    [`login password=${SECRET} ok`, 'login password=[redacted] ok'],
    [`passwd=${SECRET}&user=u`, 'passwd=[redacted]&user=u'],
    [`GET /est?token=${SECRET}&label=corp`, 'GET /est?token=[redacted]&label=corp'],
    [`client_secret=${SECRET}`, 'client_secret=[redacted]'],
    [`password: correct horse ${SECRET}\nnext: line`, 'password: [redacted]\nnext: line'],
    [`{ password: '${SECRET}', loginId: 'u1' }`, "{ password: '[redacted]', loginId: 'u1' }"],
    [`userPin=${SECRET} pinCode: ${SECRET}`, 'userPin=[redacted] pinCode: [redacted]'],
    [`PIN=${SECRET}`, 'PIN=[redacted]'],
    [`パスワード：${SECRET}`, 'パスワード：[redacted]'],
    [`{"暗証番号":"${SECRET}"}`, '{"暗証番号":"[redacted]"}'],
    [`ログインパスワード=${SECRET} 以上`, 'ログインパスワード=[redacted] 以上'],
    [`p12Password=${SECRET}`, 'p12Password=[redacted]'],
    // PKCS#12 passwords on command lines.
    [`pk12util -o export.p12 -n nick -d sql:/db -W ${SECRET} -K ${SECRET}`, 'pk12util -o export.p12 -n nick -d sql:/db -W [redacted] -K [redacted]'],
    [`openssl pkcs12 -in x.p12 -passin pass:${SECRET} -passout pass:${SECRET}`, 'openssl pkcs12 -in x.p12 -passin [redacted] -passout [redacted]'],
    [`security import x.p12 -P ${SECRET}`, 'security import x.p12 -P [redacted]'],
    [`certdesk renew --identity-password=${SECRET}`, 'certdesk renew --identity-password=[redacted]'],
    [`openssl used pass:${SECRET} here`, 'openssl used pass:[redacted] here'],
    // PEM blocks: private keys, whatever their kind, even cut off.
    [`key -----BEGIN PRIVATE KEY-----\nMIIE${SECRET}\n-----END PRIVATE KEY----- done`, 'key [PEM removed] done'],
    [`-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n${SECRET}\n-----END RSA PRIVATE KEY-----`, '[PEM removed]'],
    [`"-----BEGIN ENCRYPTED PRIVATE KEY-----\\n${SECRET}\\n-----END ENCRYPTED PRIVATE KEY-----"`, '"[PEM removed]"'],
    [`truncated -----BEGIN EC PRIVATE KEY-----\n${SECRET}`, 'truncated [PEM removed]'],
    [`body ${'QUJD'.repeat(40)} end`, 'body [data removed] end'],
  ])('%j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
    expect(redactText(input)).not.toContain(SECRET);
  });

  it.each([
    'spinner pinned shipping: fine',
    'status: renewable, phase=valid, key=yes',
    'The issuing CA is pinned (sha256=ab12…)',
    'mail bob@example.com at 10:30',
    'WWW-Authenticate: Negotiate',
    'Basic authentication failed',
    '{"password":""}',
    'certdesk acquire --password-env CERTDESK_PW',
  ])('leaves text without secrets alone: %j', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactText(`Authorization: Basic x\n{"password":"${SECRET}"} -W ${SECRET} http://a:b@h/`);
    expect(redactText(once)).toBe(once);
  });

  it('names secret fields, not look-alikes', () => {
    for (const n of ['password', 'loginPassword', 'p12Password', 'passwd', 'pwd', 'pin', 'PIN', 'userPin', 'pin_code', 'pinCode', 'passphrase', 'secret', 'clientSecret', 'token', 'accessToken', 'パスワード', '暗証番号', 'pw', 'p12.pw', 'Authorization']) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ['loginId', 'spinner', 'pinned', 'shipping', 'holder', 'fingerprint', 'bankName', 'proxy']) expect(isSecretName(n), n).toBe(false);
  });

  it('redacts values by their field names, bytes and errors', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(
      redact({ loginId: 'u1', password: 'p', パスワード: 'p', pin: 1234, nested: { privateKeyPkcs8: new Uint8Array(3), note: pem, p12: 'x' }, der: new Uint8Array(5), proxy: 'http://u:p@h:1' }),
    ).toEqual({
      loginId: 'u1',
      password: '[redacted]',
      パスワード: '[redacted]',
      pin: '[redacted]',
      nested: { privateKeyPkcs8: '[redacted]', note: '[PEM removed]', p12: '[redacted]' },
      der: '[5 bytes removed]',
      proxy: 'http://***@h:1',
    });
    const e = redact(new Error(`proxy http://u:${SECRET}@h:1 refused`)) as Error;
    expect(e.message).toBe('proxy http://***@h:1 refused');
  });

  it('is the same function for the shell (src/main/redact) and the proxy messages', () => {
    expect(mainRedactText).toBe(redactText);
    const refusal = (setting: string) => {
      try {
        proxyFor(setting as never, 'https://bank/');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error(`${setting} was accepted`);
    };
    expect(refusal(`user:${SECRET}@proxy.local:3128`)).toContain('"***@proxy.local:3128" is not supported');
    expect(refusal(`socks5://user:${SECRET}@proxy.local:1080`)).toContain('"socks5://***@proxy.local:1080" is not supported');
    expect(refusal(`http://user:${SECRET}@:1`)).toContain('"http://***@:1" is not a URL');
  });

  it('proxy credentials: the CONNECT header, the environment as a shell prints it, the sign-in dialog\'s answer', () => {
    const basic = Buffer.from(`keiri01:${SECRET}`).toString('base64');
    expect(redactText(`CONNECT bank:443 HTTP/1.1\r\nProxy-Authorization: Basic ${basic}\r\nHost: bank:443`)).toBe('CONNECT bank:443 HTTP/1.1\r\nProxy-Authorization: [redacted]\r\nHost: bank:443');
    expect(redactText(`HTTPS_PROXY=http://keiri01:${SECRET}@proxy:3128 NO_PROXY=.corp`)).toBe('HTTPS_PROXY=http://***@proxy:3128 NO_PROXY=.corp');
    expect(redactText(`https_proxy=keiri01:${SECRET}@proxy.corp:3128`)).toBe('https_proxy=***@proxy.corp:3128');
    expect(JSON.stringify(redact({ answer: { username: 'keiri01', password: SECRET, remember: true } }))).not.toContain(SECRET);
  });
});

