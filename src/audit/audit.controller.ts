import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import { wholeStoreInScope, type Principal } from '../access/principal';
import { AuditVerifyService } from './audit-verify.service';
import { AuditVerifyQueryDto, AuditVerifyResultDto } from './dto/audit-verify.dto';
import { Expensive } from '../access/key-throttler.guard';
import { SecurityRead } from '../access/security-read.interceptor';

@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly verifier: AuditVerifyService) {}

  @Get('verify')
  @Roles('finance')
  @SecurityRead('audit_read')
  @Expensive()
  @ApiOperation({ summary: "Verify the audit trail's hash chains and day seals over a range" })
  @ApiOkResponse({ type: AuditVerifyResultDto, description: 'Recomputed chains and seals of the range; firstBreak is null when everything verifies' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid parameter' })
  verify(@Query() query: AuditVerifyQueryDto, @Caller() caller: Principal): Promise<AuditVerifyResultDto> {
    const store = wholeStoreInScope(caller, query.store);
    return this.verifier.verify(caller.merchant, { ...query, ...(store !== undefined && { store }) });
  }
}
