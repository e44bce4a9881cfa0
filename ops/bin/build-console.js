#!/usr/bin/env node
'use strict';
// `npm install` (the root `prepare` script) and `npm run build:console`: builds the data console into
// gateway/console/dist (see ops/src/console-build.ts). `--if-stale`: only when missing or older than its sources.
require('../register.js');
const { buildConsole, consoleBuildState } = require('../src/console-build.ts');

const state = consoleBuildState();
if (process.argv.includes('--if-stale') && state === 'fresh') process.exit(0);
const began = Date.now();
buildConsole().then(
  () => console.log(`data console built 数据看板已构建: gateway/console/dist (${((Date.now() - began) / 1000).toFixed(1)} s)`),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
