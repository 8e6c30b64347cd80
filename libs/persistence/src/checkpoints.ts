import type { Db } from 'mongodb';

/**
 * Consumer positions stored beside the data they produced, so a projector resumes from what
 * MongoDB actually holds rather than from what Kafka believes was committed.
 * `generation` changes when `rebuild` swaps in a fresh copy of the read model: a projector
 * still writing the old generation notices and re-positions itself.
 */
export interface CheckpointDoc {
  _id: string;
  projection: string;
  topic: string;
  partition: number;
  offset: string;
  generation: number;
  updatedAt: Date;
}

export interface ControlDoc {
  _id: string;
  generation: number;
  rebuiltAt?: Date;
}

export class CheckpointStore {
  constructor(private readonly db: Db) {}

  private get checkpoints() {
    return this.db.collection<CheckpointDoc>('checkpoints');
  }

  private get control() {
    return this.db.collection<ControlDoc>('projections');
  }

  static id(projection: string, topic: string, partition: number): string {
    return `${projection}|${topic}|${partition}`;
  }

  async generation(projection: string): Promise<number> {
    const doc = await this.control.findOne({ _id: projection });
    return doc?.generation ?? 0;
  }

  async setGeneration(projection: string, generation: number): Promise<void> {
    await this.control.updateOne(
      { _id: projection },
      { $set: { generation, rebuiltAt: new Date() } },
      { upsert: true },
    );
  }

  async offset(projection: string, topic: string, partition: number): Promise<string | undefined> {
    const doc = await this.checkpoints.findOne({
      _id: CheckpointStore.id(projection, topic, partition),
    });
    return doc?.offset;
  }

  /**
   * Records progress for one partition, only if the stored generation is still ours.
   * Returns false when a rebuild has moved the read model to another generation.
   */
  async save(
    projection: string,
    topic: string,
    partition: number,
    offset: string,
    generation: number,
  ): Promise<boolean> {
    const _id = CheckpointStore.id(projection, topic, partition);
    try {
      await this.checkpoints.updateOne(
        { _id, generation },
        { $set: { projection, topic, partition, offset, updatedAt: new Date() } },
        { upsert: true },
      );
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  async overwrite(
    projection: string,
    topic: string,
    offsets: Map<number, string>,
    generation: number,
  ): Promise<void> {
    for (const [partition, offset] of offsets) {
      await this.checkpoints.updateOne(
        { _id: CheckpointStore.id(projection, topic, partition) },
        { $set: { projection, topic, partition, offset, generation, updatedAt: new Date() } },
        { upsert: true },
      );
    }
  }
}

export function isDuplicateKey(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    (err as { code: unknown }).code === 11000
  );
}
