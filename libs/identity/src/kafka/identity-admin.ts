import { randomUUID } from 'node:crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import { deterministicId } from '@acd/event-sourcing';
import { generateToken, hashToken } from '../domain/token';
import { type Organisation } from '../domain/organisation';
import { eventHeaders, readEventMetadata, readLogToEnd } from '@acd/messaging';
import { memberTokenIssued, memberTokenRevoked } from './member-token-records';
import type { TopicNames, WireCodec } from '@acd/messaging';

/**
 * Appends identity events (organisations and their tokens). Administration is rare and runs
 * from one place at a time (the seeder, the CLI), so it is its own single writer: it reads the
 * identity log to learn each organisation's version, then appends after it.
 */
export class IdentityAdmin {
  private readonly versions = new Map<string, number>();
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly codec: WireCodec,
  ) {}

  async open(): Promise<void> {
    await readLogToEnd(
      this.kafka,
      this.topics.of('identityEvents'),
      this.topics.group('acd.identity-admin'),
      (batch) => {
        for (const m of batch.messages) {
          try {
            const meta = readEventMetadata(m.headers);
            const v = this.versions.get(meta.aggregateId) ?? 0;
            if (meta.aggregateVersion > v)
              this.versions.set(meta.aggregateId, meta.aggregateVersion);
          } catch {
            // not an identity event we wrote; the projector dead-letters it
          }
        }
      },
    );
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }

  isRegistered(orgId: string): boolean {
    return (this.versions.get(orgId) ?? 0) > 0;
  }

  async register(org: Organisation): Promise<void> {
    if (this.isRegistered(org.id)) return;
    await this.append(
      org.id,
      'jp.acd.identity.OrganisationRegistered',
      'OrganisationRegistered',
      `${org.id}:registered`,
      {
        orgId: org.id,
        name: org.name,
        kind: org.kind,
        sector: org.sector ?? null,
        registeredAt: Date.now(),
      },
    );
  }

  /** Returns the new token in clear: the only moment it exists outside its holder. */
  async issueToken(orgId: string, subject?: string): Promise<string> {
    if (!this.isRegistered(orgId)) throw new Error(`unknown organisation ${orgId}`);
    const token = generateToken();
    const tokenId = randomUUID();
    await this.append(
      orgId,
      'jp.acd.identity.TokenIssued',
      'TokenIssued',
      `${orgId}:token:${tokenId}`,
      {
        orgId,
        tokenId,
        tokenHash: hashToken(token),
        issuedAt: Date.now(),
        subject: subject ?? null,
      },
    );
    return token;
  }

  /**
   * Issues a member of the organisation a personal token (a MemberTokenIssued event, revocable
   * by the organisation). Returns it in clear, with its public id.
   */
  async issueMemberToken(
    orgId: string,
    memberId: string,
  ): Promise<{ tokenId: string; token: string }> {
    if (!this.isRegistered(orgId)) throw new Error(`unknown organisation ${orgId}`);
    const issued = memberTokenIssued(this.codec, orgId, memberId, 'bus-admin');
    await this.send(issued.record);
    return { tokenId: issued.tokenId, token: issued.token };
  }

  /** Revokes a member token of the organisation (a no-op for an id it never issued). */
  async revokeMemberToken(orgId: string, tokenId: string): Promise<void> {
    await this.send(memberTokenRevoked(this.codec, orgId, tokenId, 'bus-admin'));
  }

  private async send(record: Message): Promise<void> {
    if (!this.producer) throw new Error('IdentityAdmin not opened');
    await this.producer.send({
      topic: this.topics.of('identityEvents'),
      acks: -1,
      messages: [record],
    });
  }

  private async append(
    orgId: string,
    schema: string,
    eventType: string,
    idSeed: string,
    data: object,
  ): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('IdentityAdmin not opened');
    const version = (this.versions.get(orgId) ?? 0) + 1;
    const eventId = deterministicId('acd:identity', idSeed);
    await producer.send({
      topic: this.topics.of('identityEvents'),
      acks: -1,
      messages: [
        {
          key: orgId,
          value: this.codec.encode(schema, data),
          headers: eventHeaders({
            eventId,
            eventType,
            aggregateId: orgId,
            aggregateVersion: version,
            orgId: 'acd-admin',
            occurredAt: new Date(),
            correlationId: eventId,
            causationId: eventId,
          }),
        },
      ],
    });
    this.versions.set(orgId, version);
  }
}
