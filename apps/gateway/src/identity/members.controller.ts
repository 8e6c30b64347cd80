import {
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { loadConfig } from '@acd/config';
import {
  hashToken,
  MEMBER_ID_PATTERN,
  memberTokenIssued,
  memberTokenRevoked,
  MemberTokens,
  OrganisationDirectory,
  type Organisation,
} from '@acd/identity';
import { oversightSchema } from '@acd/oversight';
import type { Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';
import { CurrentOrg } from '../auth/bearer-auth.guard';
import { OrganisationTokenOnly } from '../auth/token-kind';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { notFound } from '../common/command-outcome';

const memberIdPipe = new ZodValidationPipe(
  z
    .string()
    .regex(
      MEMBER_ID_PATTERN,
      'memberId must be 1 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit',
    ),
);
const tokenIdPipe = new ZodValidationPipe(
  z.string().uuid('tokenId must be the UUID the token was issued with'),
);

/** How long issuing waits for the read model to know the new token, so it works at once. */
const VISIBLE_WITHIN_MS = 15_000;

/**
 * An organisation's own token manages its members' personal tokens: issues one to a member
 * (shown once), lists them (never a hash), and revokes one. Each is an event on the identity
 * stream; every gateway honours a revocation as soon as its read model has it (this one at
 * once, others within the token cache's few seconds).
 */
@ApiTags('identity')
@ApiBearerAuth()
@OrganisationTokenOnly()
@Controller('v1/organisation')
export class MembersController implements OnModuleInit, OnApplicationShutdown {
  private producer?: Producer;
  private readonly tokens: MemberTokens;
  private readonly votingMembers: readonly string[];

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly directory: OrganisationDirectory,
  ) {
    this.tokens = new MemberTokens(rt.db);
    this.votingMembers = loadConfig(oversightSchema).ACD_COMMISSION_MEMBERS;
  }

  async onModuleInit(): Promise<void> {
    this.producer = this.rt.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }

  @Get('members')
  @ApiOperation({
    summary:
      "The organisation's members' personal tokens: id, member, when and by whom issued and revoked (the organisation's own token only)",
  })
  async list(@CurrentOrg() org: Organisation) {
    return { organisationId: org.id, tokens: await this.tokens.ofOrganisation(org.id) };
  }

  @Post('members/:memberId/tokens')
  @ApiOperation({
    summary:
      'Issues a member a personal token. The token is in this answer only; the bus keeps its SHA-256. Every audited act and read made with it names the member.',
  })
  @ApiResponse({
    status: 201,
    description: '{"memberId", "tokenId", "token", "issuedAt", "active"}',
  })
  async issue(
    @CurrentOrg() org: Organisation,
    @Param('memberId', memberIdPipe) memberId: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    // A voting member's token is issued by the bus administrator only: whoever holds the
    // commission's own token must not be able to vote as its members.
    if (org.kind === 'oversight-commission' && this.votingMembers.includes(memberId))
      throw new ForbiddenException(
        `${memberId} is a voting member of the commission: their token is issued by the bus administrator, not by the commission's own token`,
      );
    const now = new Date();
    const issued = memberTokenIssued(this.rt.codec, org.id, memberId, 'organisation', now);
    await this.send(issued.record);
    const active = await this.awaitVisible(issued.token);
    res.setHeader('Cache-Control', 'no-store');
    return {
      memberId,
      tokenId: issued.tokenId,
      token: issued.token,
      issuedAt: now.toISOString(),
      active,
    };
  }

  @Delete('tokens/:tokenId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Revokes one of the organisation's member tokens. 404 when the organisation has no such token (a revocation is recorded anyway, so a token issued moments ago is revoked once it arrives).",
  })
  async revoke(@CurrentOrg() org: Organisation, @Param('tokenId', tokenIdPipe) tokenId: string) {
    await this.send(memberTokenRevoked(this.rt.codec, org.id, tokenId, 'organisation'));
    const doc = await this.tokens.one(org.id, tokenId);
    if (!doc?.issuedAt)
      // The one 404 of the API: the same for a token id of another organisation and a made-up one.
      throw notFound();
    // Answer once this gateway refuses the token: the read model has the revocation.
    const until = Date.now() + VISIBLE_WITHIN_MS;
    while (!(await this.tokens.one(org.id, tokenId))?.revokedAt && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    this.directory.forget(doc.tokenHash);
  }

  private async send(record: Parameters<Producer['send']>[0]['messages'][number]): Promise<void> {
    if (!this.producer) throw new Error('members producer not started');
    await this.producer.send({
      topic: this.rt.topics.of('identityEvents'),
      acks: -1,
      messages: [record],
    });
  }

  /** Waits until the read model resolves the token (the projector has it), up to a bound. */
  private async awaitVisible(token: string): Promise<boolean> {
    const hash = hashToken(token);
    const until = Date.now() + VISIBLE_WITHIN_MS;
    for (;;) {
      this.directory.forget(hash);
      if (await this.directory.principalByToken(token)) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
