import { z } from 'zod';
import { type Locale, textsFor } from '../../../texts/index.js';

/**
 * The brief: what the seller needs to know about a request, as fields of the sales configuration
 * (`brief.fields` in SALES_CONFIG). Each has an id, a Russian label, a type, and optionally the rule that
 * reads it from a buyer's words without a model (`need`, `quantity`, `deadline`, `budget`, `address`).
 */

export const BRIEF_FIELD_TYPES = ['text', 'number', 'money', 'date'] as const;
export type BriefFieldType = (typeof BRIEF_FIELD_TYPES)[number];

/** What the rule-based extractor knows how to find; fields without a rule are the model's and the owner's. */
export const BRIEF_RULES = ['need', 'quantity', 'deadline', 'budget', 'address'] as const;
export type BriefRule = (typeof BRIEF_RULES)[number];

export interface BriefField {
  /** Latin, stable: the key in stored briefs. */
  id: string;
  /** As the seller reads it: «Срок». */
  label: string;
  /** text → string, number → number, money → kopecks, date → `YYYY-MM-DD` in the seller's time zone. */
  type: BriefFieldType;
  rule: BriefRule | null;
  /** A line for the model about what belongs in the field. */
  hint: string | null;
}

const RULE_TYPES: Record<BriefRule, BriefFieldType> = {
  need: 'text',
  quantity: 'number',
  deadline: 'date',
  budget: 'money',
  address: 'text',
};

/** The brief when the configuration says nothing: what is needed, quantity, deadline, budget, address, comments. */
export function defaultBriefFields(locale: Locale): BriefField[] {
  const labels = textsFor(locale).documents.brief.labels;
  return [
    {
      id: 'need',
      label: labels.need,
      type: 'text',
      rule: 'need',
      hint: 'what the buyer wants: item, service',
    },
    { id: 'quantity', label: labels.quantity, type: 'number', rule: 'quantity', hint: 'how many units' },
    { id: 'deadline', label: labels.deadline, type: 'date', rule: 'deadline', hint: 'when it is needed by' },
    {
      id: 'budget',
      label: labels.budget,
      type: 'money',
      rule: 'budget',
      hint: 'the most the buyer will pay',
    },
    { id: 'address', label: labels.address, type: 'text', rule: 'address', hint: 'where to deliver' },
    { id: 'comments', label: labels.comments, type: 'text', rule: null, hint: 'other wishes of the buyer' },
  ];
}

/** The default brief in Russian: what a configuration file without a `brief` section gets. */
export const DEFAULT_BRIEF_FIELDS: readonly BriefField[] = defaultBriefFields('ru');

const fieldSchema = z.strictObject({
  id: z
    .string({ error: 'expected an id of latin letters, digits and _ (like deadline)' })
    .regex(/^[a-z][a-z0-9_]{0,39}$/, {
      error: 'expected an id of latin letters, digits and _ (like deadline)',
    }),
  label: z
    .string({ error: 'expected a label' })
    .trim()
    .min(1, { error: 'expected a label' })
    .max(60, { error: 'expected at most 60 characters' }),
  type: z.enum(BRIEF_FIELD_TYPES, { error: `expected one of ${BRIEF_FIELD_TYPES.join(', ')}` }),
  rule: z
    .enum([...BRIEF_RULES, 'none'], { error: `expected one of ${BRIEF_RULES.join(', ')}, none` })
    .optional(),
  hint: z.string().trim().max(300, { error: 'expected at most 300 characters' }).optional(),
});

/** `brief` in SALES_CONFIG. A field named like a rule, of the rule's type, gets that rule unless `rule: none`. */
export const briefConfigSchema = z
  .strictObject({
    fields: z
      .array(fieldSchema)
      .min(1, { error: 'expected at least one field' })
      .max(30, { error: 'expected at most 30 fields' }),
  })
  .superRefine((brief, ctx) => {
    const seen = new Set<string>();
    const ruled = new Set<string>();
    brief.fields.forEach((f, i) => {
      if (seen.has(f.id))
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'id'], message: `duplicate id ${f.id}` });
      seen.add(f.id);
      if (f.rule && f.rule !== 'none') {
        if (RULE_TYPES[f.rule] !== f.type) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, 'rule'],
            message: `the ${f.rule} rule fills a field of type ${RULE_TYPES[f.rule]}, not ${f.type}`,
          });
        }
        if (ruled.has(f.rule))
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, 'rule'],
            message: `the ${f.rule} rule is used twice`,
          });
        ruled.add(f.rule);
      }
    });
  })
  .transform((brief): { fields: BriefField[] } => {
    const explicit = new Set(brief.fields.map((f) => f.rule).filter((r) => r && r !== 'none'));
    return {
      fields: brief.fields.map((f) => {
        const byId = (BRIEF_RULES as readonly string[]).includes(f.id) ? (f.id as BriefRule) : null;
        const rule =
          f.rule === 'none'
            ? null
            : (f.rule ?? (byId && RULE_TYPES[byId] === f.type && !explicit.has(byId) ? byId : null));
        return { id: f.id, label: f.label, type: f.type, rule, hint: f.hint ?? null };
      }),
    };
  })
  .default(() => ({ fields: DEFAULT_BRIEF_FIELDS.map((f) => ({ ...f })) }));
