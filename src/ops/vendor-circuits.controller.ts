import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { ForceCircuitDto } from './dto/force-circuit.dto';
import { KNOWN_VENDORS } from './saga-list-query';
import { VendorCircuitsService } from './vendor-circuits.service';

const VIEW = '{ vendor, state (closed, open, half_open; unknown: no live worker), since, forced (open, closed, auto), override { force, actor, at }, workers: [{ worker, state, since, forced, reportedAt, stale }] }';

@ApiTags('ops')
@Controller('v1/ops/vendors')
export class VendorCircuitsController {
  constructor(private readonly circuits: VendorCircuitsService) {}

  @Get('circuits')
  @Roles('ops')
  @ApiOperation({ summary: "Each vendor's circuit breakers: their state in every worker, and what ops forced" })
  @ApiOkResponse({ description: `{ vendors: [${VIEW}] }` })
  list(@Caller() caller: Principal) {
    return this.circuits.list(caller);
  }

  @Post(':vendor/circuit')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: "Force a vendor's breakers in every worker open or closed, or back to auto (applied within VENDOR_BREAKER_SYNC_MS). Audited." })
  @ApiParam({ name: 'vendor', enum: KNOWN_VENDORS })
  @ApiOkResponse({ description: VIEW })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid field (force)' })
  @ApiNotFoundResponse({ description: 'No such vendor' })
  force(@Param('vendor') vendor: string, @Body() dto: ForceCircuitDto, @Caller() caller: Principal) {
    return this.circuits.force(vendor, dto.force, caller);
  }
}
