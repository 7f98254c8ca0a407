import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { Public } from '../access/access.decorators';

/** Prometheus scrape target of the API process (the worker has its own: README, Observability). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  // Open like /health: scrapers carry no API key; the figures are in-process counters by route template, no checkout or customer.
  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.registry.contentType).send(await this.registry.metrics());
  }
}
