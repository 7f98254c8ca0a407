import { Inject, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../../core/config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CodecController } from './codec.controller';
import { AccessModule } from '../access/access.module';

/**
 * The codec endpoint, with CORS for the Temporal UI's origin only (TEMPORAL_UI_ORIGIN): the UI
 * calls it from the browser with `X-Namespace` (and `Authorization` with its access token). The rest
 * of the API sends no CORS headers.
 */
@Module({ imports: [AccessModule], controllers: [CodecController] })
export class CodecModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    const origin = this.config.TEMPORAL_UI_ORIGIN;
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        if (req.headers.origin === origin) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          res.setHeader('Access-Control-Allow-Credentials', 'true');
          res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
          res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
          res.setHeader('Vary', 'Origin');
        }
        if (req.method === 'OPTIONS') {
          res.status(204).end();
          return;
        }
        next();
      })
      .forRoutes('v1/codec/*path');
  }
}
