import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, Roles } from '../access/access.decorators';
import { ShedWhenOverloaded } from '../admission/admission.interceptor';
import type { Principal } from '../access/principal';
import { CheckoutBatchesService } from './checkout-batches.service';
import { CheckoutBatchAcceptedDto, CheckoutBatchProgressDto } from './dto/checkout-batch-response.dto';
import { CreateCheckoutBatchDto } from './dto/create-checkout-batch.dto';
import { Expensive } from '../access/key-throttler.guard';

/** Back-office upload of completed sales; a route of its own so no `v1/checkouts/:id` route shadows it. */
@ApiTags('checkouts')
@Controller('v1/checkouts/batch')
export class CheckoutBatchesController {
  constructor(private readonly batches: CheckoutBatchesService) {}

  @Post()
  @Roles('pos')
  @Expensive()
  @ApiOperation({ summary: 'Upload 1 to 500 completed sales, each run as its own one-shot checkout' })
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CheckoutBatchAcceptedDto, description: 'Stored and started (or, uploaded again, the same batch id and nothing new): poll the Location' })
  @ApiBadRequestResponse({
    description: 'problem+json naming each invalid field (`sales[12].lines[0].totalAmount`), or `sales` beyond 500 sales or 10,000 lines in all; nothing was stored or started',
  })
  @ApiConflictResponse({ description: 'The batchReference was already used for other sales' })
  @ShedWhenOverloaded('batch')
  async upload(@Body() dto: CreateCheckoutBatchDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    const accepted = await this.batches.upload(dto, caller);
    res.setHeader('Location', `/v1/checkouts/batch/${accepted.batchId}`);
    res.setHeader('Idempotent-Replayed', String(accepted.replayed));
    return accepted;
  }

  @Get(':id')
  @Roles('pos', 'ops', 'finance')
  @ApiOperation({ summary: "A batch's progress and one result per sale" })
  @ApiOkResponse({ type: CheckoutBatchProgressDto, description: 'Counts and one result per sale, in upload order' })
  @ApiNotFoundResponse({ description: 'No such batch for this merchant' })
  async findOne(@Param('id') id: string, @Caller() caller: Principal) {
    return this.batches.findOne(id, caller);
  }
}
