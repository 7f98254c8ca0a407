import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn } from 'class-validator';

export const CIRCUIT_FORCES = ['open', 'closed', 'auto'] as const;
export type CircuitForceRequest = (typeof CIRCUIT_FORCES)[number];

/** POST /v1/ops/vendors/{vendor}/circuit: what every worker's breaker of the vendor is forced to. */
export class ForceCircuitDto {
  @ApiProperty({
    enum: CIRCUIT_FORCES,
    example: 'open',
    description: '`open`: no call to the vendor is sent, its steps answer unavailable at once; `closed`: every call is sent, whatever fails; `auto`: the breakers decide again',
  })
  @IsIn(CIRCUIT_FORCES, { message: `must be one of ${CIRCUIT_FORCES.join(', ')}` })
  @IsDefined({ message: 'is required' })
  force: CircuitForceRequest;
}
