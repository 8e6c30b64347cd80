import { MongoClient, type Db } from 'mongodb';

/**
 * One client per process, on the official driver. mongoose is not used: the read side keeps no
 * mongoose models (each projection defines its indexes once, in `createIndexes`), and on the
 * projector's write path mongoose's `insertMany` cost 1.6–2.9× the driver's wall time and 6.7–15×
 * its CPU per document (`npm run bench:driver`, bench/RESULTS.md).
 */
export async function connectMongo(uri: string, timeoutMs = 10_000): Promise<MongoClient> {
  return new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    // FerretDB v1 has no retryable-writes support; the projector's writes are idempotent anyway.
    retryWrites: false,
  }).connect();
}

export async function pingMongo(client: MongoClient): Promise<boolean> {
  try {
    await client.db().admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

/**
 * FerretDB v1 (SQLite) maintains secondary indexes at several times the cost of the write
 * itself and answers our queries by scanning anyway, so read models create them only on MongoDB.
 */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}
