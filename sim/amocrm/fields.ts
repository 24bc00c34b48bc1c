import { z } from 'zod';
import type { ValidationIssue } from './errors.js';
import type { AmoState } from './state.js';
import type { FieldValues } from './types.js';

const FieldValueInput = z.strictObject({
  value: z.union([z.string().max(65_535), z.number(), z.boolean()]),
  enum_id: z.number().int().positive().optional(),
  enum_code: z.string().min(1).optional(),
});

/** `custom_fields_values[]` of a request: by `field_id`, or by `field_code` for system fields (PHONE, EMAIL). */
export const FieldValuesInput = z
  .strictObject({
    field_id: z.number().int().positive().optional(),
    field_code: z.string().min(1).optional(),
    values: z.array(FieldValueInput).min(1).max(100),
  })
  .refine((f) => (f.field_id === undefined) !== (f.field_code === undefined), {
    error: 'give field_id or field_code',
  });

export type FieldValuesInputType = z.infer<typeof FieldValuesInput>;

/**
 * Resolves request custom fields against the account's definitions: unknown fields and enum codes are
 * `NotSupportedChoice` [C: the documented example]. Issues name paths under `prefix`.
 */
export function resolveFields(
  state: AmoState,
  entity: 'leads' | 'contacts',
  input: FieldValuesInputType[],
  prefix: string,
): { values: FieldValues[]; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const values: FieldValues[] = [];
  input.forEach((item, i) => {
    const field = state.field(
      entity,
      item.field_id !== undefined ? { id: item.field_id } : { code: item.field_code! },
    );
    if (!field) {
      issues.push({
        code: 'NotSupportedChoice',
        path: `${prefix}.${i}.${item.field_id !== undefined ? 'field_id' : 'field_code'}`,
        detail: 'The value you selected is not a valid choice.',
      });
      return;
    }
    const resolved = item.values.map((v, j) => {
      const out: FieldValues['values'][number] = { value: v.value };
      if (field.enums && (v.enum_code !== undefined || v.enum_id !== undefined)) {
        const e = field.enums.find((x) =>
          v.enum_id !== undefined ? x.id === v.enum_id : x.value === v.enum_code,
        );
        if (!e) {
          issues.push({
            code: 'NotSupportedChoice',
            path: `${prefix}.${i}.values.${j}.${v.enum_id !== undefined ? 'enum_id' : 'enum_code'}`,
            detail: 'The value you selected is not a valid choice.',
          });
          return out;
        }
        out.enum_id = e.id;
        out.enum_code = e.value;
      }
      if (
        field.type === 'numeric' &&
        !(typeof v.value === 'number' || /^-?\d+(\.\d+)?$/.test(String(v.value)))
      ) {
        issues.push({
          code: 'InvalidType',
          path: `${prefix}.${i}.values.${j}.value`,
          detail: 'This value should be numeric.',
        });
      }
      return out;
    });
    values.push({
      field_id: field.id,
      field_name: field.name,
      field_code: field.code,
      field_type: field.type,
      values: resolved,
    });
  });
  return { values, issues };
}

/** Replaces the given fields' values, keeping the others (PATCH semantics). */
export function mergeFields(current: FieldValues[] | null, changes: FieldValues[]): FieldValues[] | null {
  const byId = new Map((current ?? []).map((f) => [f.field_id, f]));
  for (const change of changes) byId.set(change.field_id, change);
  return byId.size === 0 ? null : [...byId.values()];
}

/** Digits of every phone value of an entity. */
export function phoneDigits(values: FieldValues[] | null): string[] {
  return (values ?? [])
    .filter((f) => f.field_code === 'PHONE')
    .flatMap((f) => f.values.map((v) => String(v.value).replace(/\D/g, '')))
    .filter(Boolean);
}

/** Full-text `query`: name, id and the values of custom fields [C: «поиск по заполненным полям»]. */
export function matchesQuery(
  query: string,
  name: string,
  entityId: number,
  fields: FieldValues[] | null,
): boolean {
  const q = query.toLowerCase();
  const digits = q.replace(/\D/g, '');
  if (String(entityId) === q || name.toLowerCase().includes(q)) return true;
  for (const field of fields ?? []) {
    for (const v of field.values) {
      const value = String(v.value).toLowerCase();
      if (value.includes(q)) return true;
      // Phones match by digits [U: normalisation undocumented]: "+7 900 123-45-67" is found by "79001234567".
      if (field.field_code === 'PHONE' && digits.length >= 5 && value.replace(/\D/g, '').includes(digits))
        return true;
    }
  }
  return false;
}
