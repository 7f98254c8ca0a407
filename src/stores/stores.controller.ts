import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { StoreParamPipe } from './store-param.pipe';
import { PutStoreDto, StoreViewDto } from './dto/put-store.dto';
import { StoresService } from './stores.service';

/** StoreParamPipe's refusal. */
const STORE_PARAM = 'problem+json naming store: not 1 to 40 letters, digits, "_", "-" or "."';

/** The merchant's stores (the key's merchant), admin only; a store-scoped admin key manages its own store. */
@ApiTags('admin')
@Controller('v1/admin/stores')
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: "The merchant's stores: time zone, CRM.COM unit and outlet, CMC location and terminals" })
  @ApiOkResponse({ type: StoreViewDto, isArray: true })
  list(@Caller() caller: Principal) {
    return this.stores.list(caller);
  }

  @Get(':store')
  @Roles('admin')
  @ApiOperation({ summary: 'One store' })
  @ApiParam({ name: 'store', example: 'S1' })
  @ApiOkResponse({ type: StoreViewDto })
  @ApiNotFoundResponse({ description: 'No such store for this merchant' })
  @ApiBadRequestResponse({ description: STORE_PARAM })
  get(@Param('store', StoreParamPipe) store: string, @Caller() caller: Principal) {
    return this.stores.get(caller, store);
  }

  @Put(':store')
  @Roles('admin')
  @ApiOperation({ summary: 'Create or replace a store (audited); every API process uses the change within 10 s' })
  @ApiParam({ name: 'store', example: 'S1' })
  @ApiOkResponse({ type: StoreViewDto, description: 'Replaced' })
  @ApiCreatedResponse({ type: StoreViewDto, description: 'Created' })
  @ApiBadRequestResponse({ description: 'problem+json naming the field (timeZone, cmcTerminals, …)' })
  @ApiConflictResponse({ description: 'problem+json naming timeZone: the store has sealed audit days, so its zone is fixed' })
  async put(@Param('store', StoreParamPipe) store: string, @Body() dto: PutStoreDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    const saved = await this.stores.put(caller, store, dto);
    res.status(saved.created ? 201 : 200);
    return saved.store;
  }

  @Delete(':store')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a store (audited): new checkouts there are refused (400 naming store); its sagas keep their profile' })
  @ApiParam({ name: 'store', example: 'S1' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiBadRequestResponse({ description: STORE_PARAM })
  @ApiConflictResponse({ description: 'problem+json naming store: the store has checkouts, so its row is kept' })
  @ApiNotFoundResponse({ description: 'No such store for this merchant' })
  async remove(@Param('store', StoreParamPipe) store: string, @Caller() caller: Principal) {
    await this.stores.remove(caller, store);
  }
}
