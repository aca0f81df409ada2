import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { ZodDto } from 'nestjs-zod';
import type { z } from 'zod';
import { toFieldErrors } from '@books/contracts';
import { RequestValidationException } from './request-validation.exception';

function isZodDto(type: unknown): type is ZodDto<z.ZodType> {
  return typeof type === 'function' && 'isZodDto' in type && type.isZodDto === true;
}

/**
 * Validates every `@Body()` and `@Query()` typed with a Zod DTO, and names the fields
 * that are wrong (query parameters as such), instead of just saying "Bad Request".
 */
@Injectable()
export class ZodRequestPipe implements PipeTransform {
  transform(value: unknown, { metatype, type }: ArgumentMetadata): unknown {
    if (!isZodDto(metatype)) return value;
    const result = metatype.schema.safeParse(type === 'query' ? { ...(value as object) } : value);
    if (!result.success) throw new RequestValidationException(toFieldErrors(result.error, type === 'query' ? 'query' : 'body'));
    return result.data;
  }
}
