import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { renderReconciliationCsv } from './reconciliation-csv';
import { Caller, Roles } from '../access/access.decorators';
import { wholeStoreInScope, type Principal } from '../access/principal';
import { ReconciliationService } from './reconciliation.service';
import { ReconciliationQueryDto } from './dto/reconciliation-query.dto';
import { Expensive } from '../access/key-throttler.guard';
import { SecurityRead } from '../access/security-read.interceptor';

const FIGURES =
  'Per store (`totals`), till (`tills`) and currency; amounts are integer minor units with `currency`, times are in the store\'s time zone. ' +
  'A checkout counts on the day (in the store\'s zone) its saga entered the state, from the audit trail\'s transition rows; its amounts come from the projection. ' +
  '`sales`: checkouts completed that day: count, `totalMinor` (basket total), `amountDueMinor` (after discounts), `paidMinor` (tender), `refusals` (coupons or points refused at the quote). ' +
  '`awards`: CRM.COM amounts awarded on those sales (sales with a CRM.COM purchase). `spends`: CRM.COM wallet spend the vendor approved and the till deducted (`amountMinor`), the back-end spend CRM.COM paid out to the customer itself (`paidOutMinor`, the customer paid in full), beside what the saga asked for (`requestedMinor`: the POS request capped by the quote\'s wallet and preview maximum). ' +
  '`couponDiscounts`: coupon values on the receipts. `pointsRedeemed`: Capillary points and their value. ' +
  '`voids`: checkouts voided that day, the voided receipts\' totals and the awards, spends and points the void reversed (`paidOutMinor`: back-end spends CRM.COM had paid out, each also a BACK_END_PAYOUT_NOT_REVERSED exception). ' +
  '`returns`: returns made that day (the view\'s `returns[]`). `compensations`: checkouts whose undos ran that day, undos done and failed. ' +
  '`failures`: compensated (a vendor failed), rejected (refused checkout), compensationFailed, expired, cancelled. ' +
  '`vendors`: every vendor call attempt recorded that day by till, vendor, purpose (sale, compensation, void, return) and operation: succeeded, rejected, failed, unknown (an effect without a lookup not sent again: its outcome is an exception), and the successful calls\' amounts. ' +
  '`exceptions`: compensation_failed, expired_after_commit, non_compensable (Coupontools validation on void), void_incomplete, after_payment_refusal, outcome_unknown (CMC: a sale or refund that may have reached the vendor on a try whose answer was lost, not sent again; check it at the vendor), amount_mismatch (spend below request, award versus preview, points value, CMC or Capillary bill versus the POS amount due, tender versus due).';

@ApiTags('finance')
@Controller('v1/reports/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get()
  @Roles('finance')
  @SecurityRead('report_read')
  @Expensive()
  @ApiOperation({ summary: 'One store\'s day reconciled per till and vendor, with the exceptions finance must act on', description: FIGURES })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'JSON, or with format=csv one figure a row (section, till, vendor, figure, value…) with a header row' })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid query parameter' })
  async report(@Query() query: ReconciliationQueryDto, @Caller() caller: Principal, @Res({ passthrough: true }) res: Response) {
    const report = await this.reconciliation.report(caller.merchant, wholeStoreInScope(caller, query.store) ?? query.store, query.date);
    if (query.format !== 'csv') return report;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="reconciliation-${report.store}-${report.date}.csv"`);
    return renderReconciliationCsv(report);
  }
}
