'use strict';
const swcOptions = require('./ops/swc-options.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions, swcrc: false, sourceMaps: 'inline' }] },
  testMatch: ['<rootDir>/**/__tests__/**/*.test.ts', '<rootDir>/tests/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/\\.lilong/'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/tests/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/src/support/global-teardown.ts',
  // The sources, never a build: package.json `exports` send `@lilong/*` to dist/ (see docs/deploy.md).
  moduleNameMapper: {
    '^@lilong/(schema|gateway|ops)(/src/.+)$': '<rootDir>/$1$2',
    '^@lilong/(kit|groups|shops|volunteers|info|webhooks|node)(/src/.+)$': '<rootDir>/subgraphs/$1$2',
    '^@lilong/schema$': '<rootDir>/schema/src/index.ts',
    '^@lilong/kit$': '<rootDir>/subgraphs/kit/src/index.ts',
    '^@lilong/(groups|shops|volunteers|info|webhooks|node)$': '<rootDir>/subgraphs/$1/src/index.ts',
    '^@lilong/gateway$': '<rootDir>/gateway/src/index.ts',
    '^@lilong/ops$': '<rootDir>/ops/src/index.ts',
  },
  testTimeout: 60000,
  // Test files run in a worker process that is replaced once it holds more than this after a file: each file's
  // sub-district (hubs, nodes, pools, timers, module registry) is left behind in memory otherwise, and on a 2-core
  // machine (one worker, formerly in band) the late files of a 74-file run starved and timed out.
  workerIdleMemoryLimit: '1GB',
};
