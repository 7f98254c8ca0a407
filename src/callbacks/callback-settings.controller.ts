import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { StoreParamPipe } from '../stores/store-param.pipe';
import { CallbackSecretViewDto, MerchantCallbackViewDto, PutMerchantCallbackDto, PutStoreCallbackDto, StoreCallbackViewDto } from './dto/callback-settings.dto';
import { CallbackSettingsService } from './callback-settings.service';

const MERCHANT_WIDE = "403 outside-key-scope naming store: a store-scoped key may not change the merchant's settings";

/** Where and for which checkouts the merchant is called back when a checkout ends (README "Callbacks"), admin only. */
@ApiTags('admin')
@Controller('v1/admin/callback')
export class CallbackSettingsController {
  constructor(private readonly callbacks: CallbackSettingsService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: "The merchant's callback URL, flag, secret id (never the secret) and stores' own URLs" })
  @ApiOkResponse({ type: MerchantCallbackViewDto })
  get(@Caller() caller: Principal) {
    return this.callbacks.get(caller);
  }

  @Put()
  @Roles('admin')
  @ApiOperation({ summary: "Set the merchant's callback URL and allCheckouts flag (audited); the first time it also answers the signing secret, once" })
  @ApiOkResponse({ type: MerchantCallbackViewDto })
  @ApiBadRequestResponse({ description: 'problem+json naming url (not an absolute https URL; http allowed outside production) or allCheckouts' })
  @ApiForbiddenResponse({ description: MERCHANT_WIDE })
  put(@Body() dto: PutMerchantCallbackDto, @Caller() caller: Principal) {
    return this.callbacks.put(caller, dto);
  }

  @Post('secret')
  @Roles('admin')
  @ApiOperation({ summary: 'Rotate the signing secret (audited): answers the new one once; every attempt from now on is signed with it' })
  @ApiCreatedResponse({ type: CallbackSecretViewDto })
  @ApiForbiddenResponse({ description: MERCHANT_WIDE })
  rotate(@Caller() caller: Principal) {
    return this.callbacks.rotate(caller);
  }

  @Put('stores/:store')
  @Roles('admin')
  @ApiOperation({ summary: "Give a store its own callback URL instead of the merchant's (audited)" })
  @ApiParam({ name: 'store', example: 'S1' })
  @ApiOkResponse({ type: StoreCallbackViewDto })
  @ApiBadRequestResponse({ description: 'problem+json naming url or store' })
  putStore(@Param('store', StoreParamPipe) store: string, @Body() dto: PutStoreCallbackDto, @Caller() caller: Principal) {
    return this.callbacks.putStore(caller, store, dto);
  }

  @Delete('stores/:store')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a store's own URL (audited): its checkouts use the merchant's again" })
  @ApiParam({ name: 'store', example: 'S1' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'The store has no URL of its own' })
  async removeStore(@Param('store', StoreParamPipe) store: string, @Caller() caller: Principal) {
    await this.callbacks.removeStore(caller, store);
  }
}
