/**
 * End-to-end tier: Debian's Chromium driven by playwright-core, through Nginx (the shipped
 * template) → gateway → NATS → books-service replicas → FerretDB, all real processes.
 */
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 90_000,
  // A browser and a whole topology per file: one file at a time on two cores.
  maxWorkers: 1,
};
