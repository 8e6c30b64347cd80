import { teardownTestEnv } from '../../../libs/testing/src/test-env';

export default async function globalTeardown(): Promise<void> {
  await teardownTestEnv();
}
