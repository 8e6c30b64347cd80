import { Inject, Injectable } from '@nestjs/common';
import type { Filter } from 'mongodb';
import type { Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';

/** A TAXII 2.1 status resource (section 4.3.1). */
export interface TaxiiStatus {
  id: string;
  status: 'complete' | 'pending';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: { id: string; version?: string; message?: string }[];
  failure_count: number;
  failures: { id: string; version?: string; message: string }[];
  pending_count: number;
  pendings: { id: string; version?: string }[];
}

interface StatusDoc {
  _id: string;
  orgId: string;
  status: TaxiiStatus;
}

/**
 * Where `add objects` requests report: kept in MongoDB (a gateway restart loses none), read by
 * `_id` alone, and only by the organisation that made the request (anyone else: 404).
 */
@Injectable()
export class TaxiiStatusStore {
  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}

  private get collection() {
    return this.rt.db.collection<StatusDoc>('taxii-statuses');
  }

  async save(orgId: string, status: TaxiiStatus): Promise<void> {
    await this.collection.insertOne({ _id: status.id, orgId, status });
  }

  async find(orgId: string, id: string): Promise<TaxiiStatus | null> {
    const doc = await this.collection.findOne({ _id: id } as Filter<StatusDoc>);
    return doc && doc.orgId === orgId ? doc.status : null;
  }
}
