import { teardownTestEnv } from './test-env';

/** Jest globalTeardown of the integration and e2e projects: stops what the setup started. */
export default async function globalTeardown(): Promise<void> {
  await teardownTestEnv();
}
