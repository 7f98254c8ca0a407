import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { ProductSyncResultsQueryDto, SyncProductsDto } from './dto/sync-products.dto';
import { ProductsService } from './products.service';
import { Expensive } from '../access/key-throttler.guard';

@ApiTags('products')
@ApiBadRequestResponse({ description: 'problem+json naming each invalid field; nothing was stored or started' })
@Controller('v1/products/sync')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Roles('admin')
  @Expensive()
  @ApiOperation({ summary: 'Upload the product catalogue and sync it to CRM.COM' })
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Stored and started: poll the Location (GET /v1/products/sync/{id})' })
  async sync(@Body() dto: SyncProductsDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    const started = await this.products.startSync(dto, caller.merchant);
    res.setHeader('Location', `/v1/products/sync/${started.syncId}`);
    return started;
  }

  @Get(':id')
  @Roles('finance', 'ops')
  @ApiOperation({ summary: "A product sync's status, progress and unprocessed products" })
  @ApiOkResponse({ description: 'Status, progress and a page of unprocessed products with CRM.COM\'s error (offset/limit, at most 1,000)' })
  @ApiNotFoundResponse({ description: 'No such product sync for this merchant' })
  async findOne(@Param('id') id: string, @Query() query: ProductSyncResultsQueryDto, @Caller() caller: Principal) {
    return this.products.findSync(id, query, caller.merchant);
  }
}
