import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { AuditStore } from '@acd/audit';
import { decodeEnvelope, readLogToEnd } from '@acd/messaging';
import {
  annualFigures,
  figureDifferences,
  type AnnualFigures,
  type FigureDifference,
  type OversightFact,
} from '@acd/oversight';
import type { Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';

/** How long the report waits for the audit log to hold every oversight event it read. */
const AUDIT_CATCH_UP_MS = 30_000;
const PAGE = 1_000;

export interface AnnualReport {
  figures: AnnualFigures;
  generatedAt: string;
  /** Where the figures come from: the oversight events topic, read from its first record. */
  eventLog: { topic: string; events: number; undecodable: number };
  /** The same figures computed from the audit log's copies of those events, and the head. */
  auditLog: {
    entries: number;
    treeSize: number;
    head: { treeSize: number; rootHash: string; timestamp: number; keyId: string } | null;
  };
  reconciled: boolean;
  /** Figures on which the two records disagree, and events one holds and the other lacks. */
  differences: FigureDifference[];
  missingFromAuditLog: string[];
  missingFromEventLog: string[];
}

interface Collected {
  facts: OversightFact[];
  ids: Set<string>;
}

/**
 * The commission's annual report: every figure computed from the event log (never from a read
 * model), then again from the audit log's copies of the same events; the report says whether the
 * two agree and, where not, which figure and which event. Both records are read from their start:
 * a request decided this year may have been made in an earlier one. The oversight topic holds
 * hundreds of events a year, not millions (those are the reads, which the audit side skips by its
 * source index). One report is computed at a time.
 */
@Injectable()
export class AnnualReportService {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly audit: AuditStore,
  ) {}

  report(year: number): Promise<AnnualReport> {
    const next = this.running.then(() => this.compute(year));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async compute(year: number): Promise<AnnualReport> {
    const topic = this.rt.topics.of('oversightEvents');
    const log = await this.fromEventLog(topic);
    const audit = await this.fromAuditLog(topic, log.collected.ids);
    const figures = annualFigures(year, log.collected.facts);
    const auditFigures = annualFigures(year, audit.collected.facts);
    const differences = figureDifferences(figures, auditFigures);
    const missingFromAuditLog = [...log.collected.ids].filter((id) => !audit.collected.ids.has(id));
    const missingFromEventLog = [...audit.collected.ids].filter((id) => !log.collected.ids.has(id));
    const head = audit.state.head;
    return {
      figures,
      generatedAt: new Date().toISOString(),
      eventLog: { topic, events: log.collected.facts.length, undecodable: log.undecodable },
      auditLog: {
        entries: audit.collected.facts.length,
        treeSize: audit.state.size,
        head: head
          ? {
              treeSize: head.treeSize,
              rootHash: head.rootHash,
              timestamp: head.timestamp,
              keyId: audit.state.keyId ?? '',
            }
          : null,
      },
      reconciled:
        differences.length === 0 &&
        missingFromAuditLog.length === 0 &&
        missingFromEventLog.length === 0 &&
        log.undecodable === 0,
      differences,
      missingFromAuditLog,
      missingFromEventLog,
    };
  }

  private async fromEventLog(topic: string) {
    const collected: Collected = { facts: [], ids: new Set() };
    const seen = new Map<number, bigint>();
    let undecodable = 0;
    await readLogToEnd(
      this.rt.kafka,
      topic,
      this.rt.topics.group('acd.gateway.annual-report'),
      (batch) => {
        for (const message of batch.messages) {
          // A re-fetched batch (after a rebalance of the reader) must not count twice.
          const offset = BigInt(message.offset);
          if (offset <= (seen.get(batch.partition) ?? -1n)) continue;
          seen.set(batch.partition, offset);
          try {
            const { metadata, event } = decodeEnvelope<{ type: string; data: unknown }>(
              this.rt.codec,
              message,
            );
            collected.ids.add(metadata.eventId);
            collected.facts.push({
              type: event.type,
              occurredAt: metadata.occurredAt.getTime(),
              data: event.data,
            });
          } catch {
            undecodable += 1;
          }
        }
      },
    );
    return { collected, undecodable };
  }

  /**
   * The audit log's copies of the oversight topic's events. The appender copies each event soon
   * after it is written; the report waits (up to 30 s) until the store holds every event the
   * log read, so an event written a moment ago is not reported as missing. Each wait reads on
   * from the last entry it read, never from the start again.
   */
  private async fromAuditLog(topic: string, wanted: ReadonlySet<string>) {
    const deadline = Date.now() + AUDIT_CATCH_UP_MS;
    const collected: Collected = { facts: [], ids: new Set() };
    let from = 0;
    for (;;) {
      const state = await this.audit.state();
      for (;;) {
        const page = await this.audit.entriesFromSource(topic, from, PAGE, state.size);
        if (page === null) {
          throw new ServiceUnavailableException(
            'the audit store is still indexing its entries by source; try again shortly',
          );
        }
        for (const { entry } of page) {
          collected.ids.add(entry.eventId);
          collected.facts.push({
            type: entry.eventType,
            occurredAt: Date.parse(entry.occurredAt),
            data: entry.payload,
          });
        }
        if (page.length > 0) from = page[page.length - 1]!.entry.index + 1;
        if (page.length < PAGE) break;
      }
      const complete = [...wanted].every((id) => collected.ids.has(id));
      if (complete || Date.now() >= deadline) return { collected, state };
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
