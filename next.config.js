// Next.js configuration: strict mode, no powered-by header, and security headers on every route.
const { securityHeaders } = require('./lib/securityHeaders.js');

/** @type {import('next').NextConfig} */
module.exports = {
  reactStrictMode: true,
  poweredByHeader: false,
  async rewrites() {
    // CDS Hooks clients expect the services at /cds-services (spec path), served by an API route.
    return [
      { source: '/cds-services', destination: '/api/cds-services' },
      { source: '/cds-services/:path*', destination: '/api/cds-services/:path*' },
    ];
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders(process.env) }];
  },
};
