// Tests are TypeScript compiled by `npm run build` into dist/test; every suite runs once per storage backend.
const common = {
  testMatch: ['<rootDir>/dist/test/**/*.test.js'],
  testEnvironment: 'node',
  transform: {},
};
export default {
  maxWorkers: 2,
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'pglite', setupFiles: ['<rootDir>/test/setup/pglite.cjs'] },
    { ...common, displayName: 'postgres', setupFiles: ['<rootDir>/test/setup/postgres.cjs'] },
  ],
};
