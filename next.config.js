// Next.js configuration: strict mode, no powered-by header. Security headers are added at run time
// by proxy.ts (not here: headers() is evaluated at build time).

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
};
