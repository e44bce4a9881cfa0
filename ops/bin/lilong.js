#!/usr/bin/env node
'use strict';
// Entry point of every `npm run` command of the workspace; see ops/src/cli.ts.
require('../register.js');
require('../src/cli.ts');
