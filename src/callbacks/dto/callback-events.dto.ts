import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CALLBACK_STATUSES, type CallbackStatus } from '../../../core/callbacks/callback-outbox.repository';

/** GET /v1/ops/callbacks?state=… */
export class ListCallbacksQueryDto {
  @ApiPropertyOptional({ enum: CALLBACK_STATUSES, description: 'Only events in this delivery state (failed: attempts spent, ops must act)' })
  @IsIn(CALLBACK_STATUSES, { message: `must be one of ${CALLBACK_STATUSES.join(', ')}` })
  @IsOptional()
  state?: CallbackStatus;
}
