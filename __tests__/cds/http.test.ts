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
