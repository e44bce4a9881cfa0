#!/usr/bin/env node
'use strict';
// The container image's entry point: `serve.js hub` or `serve.js node` (or LILONG_ROLE=hub|node) runs the hub or a
// community node from the production build, with plain node. Each reads the rest of its configuration from the
// environment (gateway/src/config.ts, subgraphs/node/src/config.ts); see docs/deploy.md.
const path = require('node:path');

const ENTRIES = { hub: 'gateway/dist/main.js', node: 'subgraphs/node/dist/main.js' };
const role = process.argv[2] ?? process.env.LILONG_ROLE;

if (!Object.hasOwn(ENTRIES, role ?? '')) {
  process.stderr.write(`configuration: the role must be "hub" or "node" (argument or LILONG_ROLE), got ${JSON.stringify(role ?? null)} / 角色须为 hub 或 node\n`);
  process.exit(64);
}
require(path.join(__dirname, '..', '..', ENTRIES[role]));
