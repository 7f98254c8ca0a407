import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { AdmissionInterceptor } from './admission.interceptor';
import { CheckoutAdmission } from './checkout-admission';

/** Load shedding of new checkouts (README, Load shedding): one CheckoutAdmission per API process, shared by the routes that start sagas. */
@Module({ imports: [MetricsModule], providers: [CheckoutAdmission, AdmissionInterceptor], exports: [CheckoutAdmission, AdmissionInterceptor] })
export class AdmissionModule {}
