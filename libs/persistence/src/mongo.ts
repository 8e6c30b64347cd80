import mongoose, { type Connection } from 'mongoose';
import type { Db } from 'mongodb';

export async function connectMongo(uri: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    // FerretDB v1 has no retryable-writes support; the projector's writes are idempotent anyway.
    retryWrites: false,
    autoIndex: false,
  });
  await conn.asPromise();
  return conn;
}

export async function pingMongo(conn: Connection): Promise<boolean> {
  try {
    const db = conn.db;
    if (!db) return false;
    await db.admin().command({ ping: 1 });
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
