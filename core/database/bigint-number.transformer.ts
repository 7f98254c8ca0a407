import type { ValueTransformer } from 'typeorm';

/** pg returns BIGINT as a string; minor-unit amounts stay far below 2^53, so read them as integers. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
