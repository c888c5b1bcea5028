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

  it('limits connect-src to the configured FHIR origins (http only on loopback), else any https origin', () => {
    expect(header({ NODE_ENV: 'production' }, 'Content-Security-Policy')).toContain("connect-src 'self' https:;");
    const csp = header(
      { NODE_ENV: 'production', FHIR_ORIGINS: 'https://auth.ehr.example http://localhost:8080 http://ehr.internal', SMART_ALLOWED_ISSUERS: 'https://ehr.example/fhir/r4' },
      'Content-Security-Policy',
    );
    expect(csp).toContain("connect-src 'self' https://auth.ehr.example http://localhost:8080 https://ehr.example;");
    expect(csp).not.toContain('ehr.internal');
    expect(header({ NODE_ENV: 'development' }, 'Content-Security-Policy')).toContain('http://localhost:*');
  });

  it('sends HSTS only when the public URL is https', () => {
    expect(header({ PUBLIC_BASE_URL: 'https://cramps.example.org' }, 'Strict-Transport-Security')).toMatch(/^max-age=\d+/);
    expect(header({ CDS_PUBLIC_BASE_URL: 'https://cramps.example.org' }, 'Strict-Transport-Security')).toMatch(/^max-age=\d+/);
    expect(header({ PUBLIC_BASE_URL: 'http://localhost:3000' }, 'Strict-Transport-Security')).toBe('');
  });
});
