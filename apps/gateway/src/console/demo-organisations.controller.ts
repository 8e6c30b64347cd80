import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import type { Request, Response } from 'express';
import type { GatewayConfig } from '@acd/config';
import { Public } from '../auth/public.decorator';
import { GATEWAY_CONFIG } from '../bus/bus.module';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** What the picker needs of a demo organisation; anything else in the file stays there. */
interface DemoOrgEntry {
  id: string;
  name: string;
  kind: string;
  sector?: string;
  token: string;
  members?: { id: string; token: string }[];
}

/**
 * The console's sign-in picker on the local stack: the demo organisations and their tokens, as
 * `npm start` wrote them. Served only when `ACD_DEMO_ORGS_FILE` is set (npm start and the tests
 * set it; production never does) and only to a request made on this machine and not relayed by
 * a proxy; otherwise, and before the demo is seeded, the route does not exist (404).
 */
@ApiExcludeController()
@Controller('v1/demo/organisations')
export class DemoOrganisationsController {
  constructor(@Inject(GATEWAY_CONFIG) private readonly cfg: GatewayConfig) {}

  @Public()
  @Get()
  async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const file = this.cfg.ACD_DEMO_ORGS_FILE;
    const relayed =
      req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    if (!file || relayed || !LOOPBACK.has(req.socket.remoteAddress ?? ''))
      throw new NotFoundException('not found');
    let orgs: DemoOrgEntry[];
    try {
      orgs = JSON.parse(await readFile(file, 'utf8')) as DemoOrgEntry[];
    } catch {
      throw new NotFoundException('not found');
    }
    res.setHeader('Cache-Control', 'no-store');
    return orgs.map((o) => ({
      id: o.id,
      name: o.name,
      kind: o.kind,
      ...(o.sector !== undefined ? { sector: o.sector } : {}),
      token: o.token,
      ...(o.members ? { members: o.members.map((m) => ({ id: m.id, token: m.token })) } : {}),
    }));
  }
}
