import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorators';

@ApiTags('health')
@Controller()
export class HealthController {
  /** Liveness: the process answers. Readiness checks of Postgres and Temporal come with ops (issue 7). */
  @Get('health')
  @Public()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }
}
