import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Organisation } from '@acd/identity';
import { CurrentOrg, CurrentSubject } from '../auth/bearer-auth.guard';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('v1/whoami')
export class WhoamiController {
  @Get()
  @ApiOperation({
    summary:
      'The organisation the token belongs to, and the member it names (commission members’ personal tokens), or null',
  })
  whoami(@CurrentOrg() org: Organisation, @CurrentSubject() subject: string | undefined) {
    return {
      organisation: {
        id: org.id,
        name: org.name,
        kind: org.kind,
        ...(org.sector !== undefined ? { sector: org.sector } : {}),
      },
      member: subject ?? null,
    };
  }
}
