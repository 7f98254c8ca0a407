import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditVerifyService } from './audit-verify.service';
import { AuditVerifyQueryDto, AuditVerifyResultDto } from './dto/audit-verify.dto';

// roles: finance, admin
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly verifier: AuditVerifyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditVerifyResultDto, description: 'Recomputed chains and seals of the range; firstBreak is null when everything verifies' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid parameter' })
  verify(@Query() query: AuditVerifyQueryDto): Promise<AuditVerifyResultDto> {
    return this.verifier.verify(this.config.MERCHANT_ID, query);
  }
}
