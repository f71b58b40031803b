/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/matching-host', '<rootDir>/functions', '<rootDir>/statemachines', '<rootDir>/test', '<rootDir>/scripts'],
  // ESM-only packages (middy, jose, otplib's crypto and base32) are compiled to CommonJS for jest like our own sources
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|@scure|@noble|@otplib)/)'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  // CI (.github/workflows/ci.yml) sets JEST_JUNIT_OUTPUT_DIR for a JUnit report; a run without it writes none
  reporters: ['default', '<rootDir>/test/summary-reporter.js', ...(process.env.JEST_JUNIT_OUTPUT_DIR ? ['jest-junit'] : [])],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
};
