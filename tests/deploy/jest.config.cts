/**
 * Deployment checks: docker-compose.yml through Docker Compose's own parser, the Dockerfiles
 * against the real build output, the Nginx template through `nginx -t`, the Kubernetes overlays
 * and the NATS Helm chart rendered (kustomize, `helm template`) and checked by k8s-validate, and
 * the runtime images' dependency step (`npm ci --omit=dev`) by running the bundles on real servers.
 */
module.exports = {
  displayName: 'deploy',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
