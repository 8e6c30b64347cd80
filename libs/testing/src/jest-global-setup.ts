import { setupTestEnv } from './test-env';

/** Jest globalSetup of the integration and e2e projects: see test-env.ts. */
export default async function globalSetup(): Promise<void> {
  await setupTestEnv();
}
