// The production server's routing of /cds-services/* to the CDS handler (before Next.js), and its options.
import { cdsPath } from '../../lib/cds/http';
import { readOptions } from '../../lib/server/start';

describe('cdsPath: which requests the CDS handler answers', () => {
  it.each([
    ['/cds-services', ''],
    ['/cds-services/', ''],
    ['/cds-services?x=1', ''],
    ['/cds-services/leg-cramp-factors', 'leg-cramp-factors'],
    ['/cds-services/leg-cramp-factors/feedback', 'leg-cramp-factors/feedback'],
    ['/cds-services/leg-cramp-factors/feedback?x=/y', 'leg-cramp-factors/feedback'],
    ['/cds-services//leg-cramp-factors/', 'leg-cramp-factors'],
    ['/cds-services/leg%2Dcramp-factors', 'leg-cramp-factors'],
  ])('%s -> "%s"', (url, path) => {
    expect(cdsPath(url)).toBe(path);
  });

  it.each(['/', '/cds-servicesX', '/api/cds-services', '/launch?iss=/cds-services', '/sandbox/cds', undefined])('%s is left to Next.js', (url) => {
    expect(cdsPath(url)).toBeUndefined();
  });

  it('a malformed escape gives a path no service has (404), not an exception', () => {
    const path = cdsPath('/cds-services/leg-cramp-factors%E0%A4%A');
    expect(path).toBeDefined();
    expect(path).not.toBe('leg-cramp-factors');
  });
});

describe('readOptions: the production server’s command line', () => {
  it('takes --port/--hostname, else PORT, else 3000 on every interface (HOSTNAME, the machine name in containers, is ignored)', () => {
    expect(readOptions(['--port', '4100', '--hostname', '127.0.0.1'], {}, '/srv/app/.next')).toEqual({ port: 4100, hostname: '127.0.0.1', dir: '/srv/app' });
    expect(readOptions(['-p', '4200'], { PORT: '9' }, '/srv/app/.next').port).toBe(4200);
    expect(readOptions([], { PORT: '4300', HOSTNAME: 'c0ffee12' }, '/srv/app/.next')).toMatchObject({ port: 4300, hostname: '0.0.0.0' });
    expect(readOptions([], {}, '/srv/app/.next')).toMatchObject({ port: 3000, hostname: '0.0.0.0' });
  });

  it('refuses a bad port or an unknown option', () => {
    expect(() => readOptions(['--port', 'abc'], {}, '/x/.next')).toThrow(/not a port/);
    expect(() => readOptions(['--port', '70000'], {}, '/x/.next')).toThrow(/not a port/);
    expect(() => readOptions(['--turbo'], {}, '/x/.next')).toThrow();
  });
});

describe('the cached configuration and headers are keyed on every variable they read', () => {
  /** The names a function reads from an environment object. */
  function readsOf(fn: (env: Record<string, string | undefined>) => unknown, values: Record<string, string>): Set<string> {
    const seen = new Set<string>();
    const env = new Proxy(values, {
      get(target, name) {
        if (typeof name === 'string') seen.add(name);
        return Reflect.get(target, name);
      },
    });
    fn(env);
    return seen;
  }
  const settings: Record<string, string>[] = [
    {},
    { SANDBOX_ENABLED: 'true', PORT: '3100', NODE_ENV: 'development' },
    { SANDBOX_ENABLED: 'true', SANDBOX_ORIGIN: 'http://localhost:3100', CDS_PUBLIC_BASE_URL: 'https://cramps.example', CDS_CORS_ORIGINS: 'https://a.example', CDS_TRUSTED_ISSUERS: '{}' },
  ];

  it.each(settings)('readCdsConfig reads only CDS_CONFIG_VARIABLES (%j)', (values) => {
    const { readCdsConfig, CDS_CONFIG_VARIABLES } = jest.requireActual('../../lib/cds/config');
    expect([...readsOf(readCdsConfig, values)].filter((n) => !CDS_CONFIG_VARIABLES.includes(n))).toEqual([]);
  });

  it.each(settings)('securityHeaders reads only SECURITY_HEADER_VARIABLES (%j)', (values) => {
    const { securityHeaders, SECURITY_HEADER_VARIABLES } = jest.requireActual('../../lib/securityHeaders');
    expect([...readsOf(securityHeaders, values)].filter((n) => !SECURITY_HEADER_VARIABLES.includes(n))).toEqual([]);
  });
});
