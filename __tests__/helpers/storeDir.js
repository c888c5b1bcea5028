// Jest setup: each test worker gets its own embedded CDS store folder, since a folder can be held by
// one process only, and tests must never write into the project's .data folder.
const os = require('node:os');
const path = require('node:path');

if (!process.env.CDS_STORE_DIR) {
  process.env.CDS_STORE_DIR = path.join(os.tmpdir(), `leg-cramp-cds-store-${process.pid}-${process.env.JEST_WORKER_ID ?? '0'}`);
}
