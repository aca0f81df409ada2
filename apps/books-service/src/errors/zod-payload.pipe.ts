import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { toFieldErrors } from '@books/contracts';
import { InvalidPayloadError } from './domain.errors';

/** Validates a message payload against its contract schema: `@Payload(new ZodPayloadPipe(Schema))`. */
export class ZodPayloadPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new InvalidPayloadError(toFieldErrors(result.error, 'payload'));
    return result.data;
  }
}
