import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { CapillaryRetroService } from './capillary-retro.service';
import { TagCapillaryCustomerDto } from './dto/tag-capillary-customer.dto';

@ApiTags('capillary')
@Controller('v1/checkouts')
export class CapillaryRetroController {
  constructor(private readonly retro: CapillaryRetroService) {}

  @Post(':id/capillary-customer')
  @Roles('pos')
  @ApiOperation({ summary: "Retro-tag a completed sale's not_interested Capillary bill to a customer" })
  @HttpCode(200)
  @ApiOkResponse({ description: "The checkout's not_interested Capillary bill is now a regular bill of this customer; the same request again answers the same" })
  @ApiBadRequestResponse({ description: 'problem+json naming the field' })
  @ApiNotFoundResponse({ description: 'No such checkout, or no Capillary customer with this identifier (naming identifier.value)' })
  @ApiConflictResponse({ description: 'Not completed, no Capillary bill, a bill that had its customer already, or tagged to another customer' })
  @ApiUnprocessableEntityResponse({ description: "Capillary refused: retro-tagging off for the org, or the bill older than the org's limit" })
  async tag(@Param('id') id: string, @Body() dto: TagCapillaryCustomerDto, @Caller() caller: Principal) {
    return this.retro.tag(id, dto, caller);
  }
}
