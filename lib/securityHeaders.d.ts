// Types for securityHeaders.js (plain JS because next.config.js requires it).
export function securityHeaders(env: Record<string, string | undefined>): { key: string; value: string }[];
