// Types of the generated validator (ajv standalone): see scripts/schema.ts.
import type { ErrorObject } from 'ajv';

declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export = validate;
