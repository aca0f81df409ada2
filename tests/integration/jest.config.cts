/** Integration tier: real NATS, real FerretDB, the apps' production builds as processes. */
module.exports = {
  displayName: 'integration',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  // jose ships ES modules only; the tests run as CommonJS, so it is compiled like our own code (allowJs).
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 60_000,
  // Each suite starts its own servers; two at a time is what two cores can carry.
  maxWorkers: 2,
};
