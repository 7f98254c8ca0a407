import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Caller, Roles } from '../access/access.decorators';
import type { Principal } from '../access/principal';
import { CapillaryValidationCodesService } from './capillary-validation-codes.service';
import { RequestValidationCodeDto } from './dto/request-validation-code.dto';

@ApiTags('capillary')
@Controller('v1/capillary/validation-codes')
export class CapillaryValidationCodesController {
  constructor(private readonly codes: CapillaryValidationCodesService) {}

  @Post()
  // Above @Roles, so they follow its 429 and 503 (the document joins the descriptions of one status in the order applied, bottom-up).
  @ApiTooManyRequestsResponse({ description: 'Or Capillary sends this customer no more codes for now (its HTTP 429): problem+json naming identifier' })
  @ApiServiceUnavailableResponse({ description: 'Or Capillary did not answer after 3 tries: retry after Retry-After (problem+json)' })
  @Roles('pos')
  @ApiOperation({ summary: 'Have Capillary send the customer a validation code (OTP) by SMS' })
  @HttpCode(202)
  @ApiAcceptedResponse({ description: "Capillary sends the customer a validation code (the code itself never comes back); the till puts it in the checkout's points.validationCode" })
  @ApiBadRequestResponse({ description: 'problem+json naming the field; nothing was sent' })
  @ApiNotFoundResponse({ description: 'No Capillary customer has this identifier: problem+json naming identifier.value; nothing was sent' })
  @ApiUnprocessableEntityResponse({ description: 'Capillary refused to send a code (860…), with its refusal' })
  async request(@Body() dto: RequestValidationCodeDto, @Caller() caller: Principal) {
    return this.codes.request(dto, caller);
  }
}
