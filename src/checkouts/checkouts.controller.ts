import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CheckoutsService } from './checkouts.service';
import { CheckoutResponseDto } from './dto/checkout-response.dto';
import { CreateCheckoutDto } from './dto/create-checkout.dto';

@ApiTags('checkouts')
@Controller('v1/checkouts')
export class CheckoutsController {
  constructor(private readonly checkouts: CheckoutsService) {}

  @Post()
  @ApiCreatedResponse({ type: CheckoutResponseDto, description: 'Completed; the receipt block to print' })
  @ApiUnprocessableEntityResponse({ type: CheckoutResponseDto, description: 'A vendor refused; `rejection.reason` is for the cashier' })
  @ApiBadRequestResponse({ description: 'problem+json naming each invalid field' })
  @ApiConflictResponse({ description: 'The checkout key was already used for a different request' })
  async create(@Body() dto: CreateCheckoutDto, @Res({ passthrough: true }) res: Response): Promise<CheckoutResponseDto> {
    const { response, replayed } = await this.checkouts.runOneShot(dto);
    res.status(response.state === 'completed' ? 201 : 422).setHeader('Idempotent-Replayed', String(replayed));
    return response;
  }

  @Get(':id')
  @ApiOkResponse({ type: CheckoutResponseDto })
  @ApiNotFoundResponse({ description: 'No such checkout for this merchant' })
  findOne(@Param('id') id: string): Promise<CheckoutResponseDto> {
    return this.checkouts.findOne(id);
  }
}
