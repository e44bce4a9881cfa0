#!/usr/bin/env node
'use strict';
// CI, after `npm run build`: the production build run with plain node (no TypeScript hook): two community nodes
// and the hub from dist/ against DATABASE_URL's PostgreSQL, one federated query, a clean stop. Exits non-zero on
// any failure. See ops/src/dist-run.ts and docs/deploy.md.
require('reflect-metadata');
const { missingBuild, startFromDist } = require('../dist/dist-run.js');

const QUERY = '{ communities { code status shops { name products { name stock { available } } } } searchStock(text: "米", first: 10) { product { name } shop { community { code } } } }';

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL must name a PostgreSQL server the smoke may create databases on');
  if (missingBuild().length > 0) throw new Error('no build: run npm run build first');
  const began = Date.now();
  const run = await startFromDist({ adminUrl });
  try {
    const response = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    const answer = await response.json();
    const communities = answer.data?.communities ?? [];
    const found = new Set((answer.data?.searchStock ?? []).map((hit) => hit.shop.community.code));
    if (answer.errors || communities.length !== run.nodes.size || communities.some((c) => c.status !== 'ACTIVE' || !c.shops?.length) || found.size !== run.nodes.size) {
      throw new Error(`the federated query did not answer fully: ${JSON.stringify(answer).slice(0, 800)}`);
    }
    for (const target of [run.hub, ...run.nodes.values()]) {
      const ready = await fetch(`${target.url}/readyz`);
      if (ready.status !== 200) throw new Error(`${target.name} /readyz answered ${ready.status}`);
    }
    console.log(`smoke-dist: hub and ${run.nodes.size} nodes from dist/ answered a federated query ${((Date.now() - began) / 1000).toFixed(1)} s after start`);
  } finally {
    await run.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`smoke-dist: ${error.stack ?? error}`);
    process.exit(1);
  },
);
