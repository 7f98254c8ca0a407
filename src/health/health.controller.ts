import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '../common/problem';
import { ReadinessService } from './readiness.service';
import { Public } from '../access/access.decorators';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(ReadinessService) private readonly readiness: ReadinessService) {}

  /** Liveness: the process answers. Cheap on purpose: no dependency is asked. */
  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers (no key)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres, Temporal, and a worker polling the checkout task queue in the last minute. */
  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: Postgres, Temporal and a polling worker (no key)' })
  @ApiOkResponse({ schema: { example: { status: 'ready', checks: [{ name: 'database', ok: true }] } } })
  @ApiServiceUnavailableResponse({ description: 'problem+json listing each check and why it failed' })
  async ready() {
    const checks = await this.readiness.check();
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0) {
      throw new ProblemException({
        type: '/problems/not-ready',
        title: 'Not ready',
        status: 503,
        detail: failed.map((c) => `${c.name}: ${c.detail}`).join('; '),
        checks,
      });
    }
    return { status: 'ready', checks };
  }
}
