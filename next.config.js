// Next.js configuration: strict mode, no powered-by header, and security headers on every route.
const { securityHeaders } = require('./lib/securityHeaders.js');

/** @type {import('next').NextConfig} */
module.exports = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders(process.env) }];
  },
};
