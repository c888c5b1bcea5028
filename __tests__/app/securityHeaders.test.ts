// The header set itself, for the configurations the README documents.
import { securityHeaders } from '../../lib/securityHeaders';

const header = (env: Record<string, string | undefined>, key: string) => securityHeaders(env).find((h: { key: string }) => h.key === key)?.value ?? '';

describe('securityHeaders', () => {
  it('lets only the configured EHR origins frame the app', () => {
    expect(header({ NODE_ENV: 'production' }, 'Content-Security-Policy')).toContain("frame-ancestors 'self'");
    const csp = header({ NODE_ENV: 'production', FRAME_ANCESTORS: 'https://ehr.example.org https://*.hospital.example' }, 'Content-Security-Policy');
    expect(csp).toContain('frame-ancestors https://ehr.example.org https://*.hospital.example');
  });

  it('allows no inline or eval script in production, and eval only in development', () => {
    const prod = header({ NODE_ENV: 'production' }, 'Content-Security-Policy');
    expect(prod).toMatch(/script-src 'self';/);
    expect(prod).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(header({ NODE_ENV: 'development' }, 'Content-Security-Policy')).toContain("'unsafe-eval'");
  });

  it('sets nosniff, no-referrer and a restrictive Permissions-Policy', () => {
    expect(header({}, 'X-Content-Type-Options')).toBe('nosniff');
    expect(header({}, 'Referrer-Policy')).toBe('no-referrer');
    expect(header({}, 'Permissions-Policy')).toBe('camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()');
  });

  it('opens connect-src to local http only for the demo', () => {
    expect(header({ NODE_ENV: 'production' }, 'Content-Security-Policy')).toContain("connect-src 'self' https:;");
    expect(header({ NODE_ENV: 'production', SANDBOX_ENABLED: 'true' }, 'Content-Security-Policy')).toContain('http://localhost:*');
  });
});
