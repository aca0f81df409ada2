import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Test support code reads loosely typed HTTP bodies, like the tests themselves.
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
