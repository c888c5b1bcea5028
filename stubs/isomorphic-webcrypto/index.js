// The platform's Web Crypto (Node 20+ and browsers); see package.json for why this stub exists.
module.exports = { default: globalThis.crypto };
