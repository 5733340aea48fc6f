/**
 * Two projects: fast unit specs beside the code, and e2e specs that boot the
 * whole app over HTTP against real PostgreSQL (the machine's server when
 * DATABASE_URL is set, an embedded one otherwise: see test/support/global-setup.ts).
 */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
// NestJS 12, jose 6 and openid-client 6 ship ESM only: let swc turn them into CommonJS for jest.
// So does content-disposition 2, nested under @fastify/static (Swagger UI's assets at /docs).
const transformIgnorePatterns = ['/node_modules/(?!(@nestjs|jose|openid-client|oauth4webapi|@fastify/static/node_modules/content-disposition|content-disposition)/)'];

module.exports = {
  // Here, not per project: Jest ignores testTimeout inside `projects`. E2e hooks start whole apps.
  testTimeout: 30000,
  // globalSetup/teardown are TypeScript too: the root needs the same transform.
  transform,
  transformIgnorePatterns,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/clients/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/examples/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
      testEnvironment: 'node',
    },
  ],
};
