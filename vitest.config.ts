import { configDefaults, defineConfig } from 'vitest/config';

const routes = 'apps/server/src/http/routes/**/*.test.ts';
const integration = ['apps/server/test/**/*.test.ts', 'packages/client/test/**/*.test.ts'];

/**
 * Unit tests and the in-process route tests run once; the integration suite runs twice: on the
 * embedded database (PGlite) and on a real Postgres server (TEST_DATABASE_URL, or a throwaway
 * cluster started by the global setup when Debian's postgresql package is installed). The `e2e`
 * project drives the built web app in Debian's headless Chromium against the real server.
 */
export default defineConfig({
  test: {
    passWithNoTests: false,
    reporters: ['default', './apps/server/test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['apps/server/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, routes],
        },
      },
      // In-process route tests beside the routes: the app called directly, each file on its own
      // embedded database copied from one migrated template.
      {
        extends: true,
        test: {
          name: 'routes',
          include: [routes],
          globalSetup: ['apps/server/test/support/pglite-template.ts'],
        },
      },
      { extends: true, test: { name: 'embedded', include: integration, env: { CRUX_TEST_DB: 'embedded' } } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/web/e2e/**/*.test.ts'],
          env: { CRUX_TEST_DB: 'embedded' },
          globalSetup: ['apps/web/e2e/support/global-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: integration,
          // Configuration and argument checks never reach a database, and the compiled server's check
          // is about the build: the embedded run covers them.
          exclude: [
            'apps/server/test/config.test.ts',
            'apps/server/test/cli.test.ts',
            'apps/server/test/compiled-server.test.ts',
          ],
          env: { CRUX_TEST_DB: 'postgres' },
          globalSetup: ['apps/server/test/support/postgres-server.ts'],
        },
      },
    ],
  },
});
