import { z } from 'zod';
import { GoogleError } from './errors.js';

/** Custom metadata entry: a key and exactly one of stringValue / numericValue / stringListValue. */
export const CustomMetadataSchema = z
  .strictObject({
    key: z.string().min(1).max(256),
    stringValue: z.string().max(256).optional(),
    numericValue: z.number().finite().optional(),
    stringListValue: z.strictObject({ values: z.array(z.string().max(256)).max(100) }).optional(),
  })
  .refine(
    (m) =>
      [m.stringValue !== undefined, m.numericValue !== undefined, m.stringListValue !== undefined].filter(
        Boolean,
      ).length === 1,
    { message: 'exactly one of stringValue, numericValue, stringListValue must be set' },
  );

/** POST /{v}/fileSearchStores body. */
export const CreateStoreSchema = z.strictObject({
  displayName: z.string().max(512).optional(),
  embeddingModel: z.string().optional(),
});

/** JSON body of the resumable upload `start` request (uploadToFileSearchStore). */
export const UploadStartSchema = z.strictObject({
  displayName: z.string().max(512).optional(),
  mimeType: z.string().min(1).optional(),
  customMetadata: z.array(CustomMetadataSchema).max(20, 'at most 20 custom metadata entries').optional(),
  chunkingConfig: z
    .strictObject({
      whiteSpaceConfig: z
        .strictObject({
          maxTokensPerChunk: z.number().int().positive().optional(),
          maxOverlapTokens: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type UploadStartBody = z.infer<typeof UploadStartSchema>;

const PartSchema = z
  .looseObject({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
  })
  .refine((p) => Object.keys(p).some((k) => k !== 'thought' && k !== 'thoughtSignature'), {
    message: "required oneof field 'data' must have one initialized field",
  });

const ContentSchema = z.strictObject({
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(PartSchema).min(1, 'contents.parts must not be empty'),
});
export type ContentBody = z.infer<typeof ContentSchema>;

/** tools[].fileSearch as the SDK sends it. */
export const FileSearchSchema = z.strictObject({
  fileSearchStoreNames: z
    .array(z.string().regex(/^fileSearchStores\/[a-z0-9-]{1,40}$/, 'must look like fileSearchStores/{id}'))
    .min(1, 'fileSearchStoreNames must not be empty'),
  metadataFilter: z.string().optional(),
  topK: z.number().int().positive().optional(),
});

const ToolSchema = z.strictObject({
  fileSearch: FileSearchSchema.optional(),
  functionDeclarations: z.array(z.looseObject({ name: z.string() })).optional(),
  googleSearch: z.looseObject({}).optional(),
  googleSearchRetrieval: z.looseObject({}).optional(),
  codeExecution: z.looseObject({}).optional(),
  urlContext: z.looseObject({}).optional(),
  googleMaps: z.looseObject({}).optional(),
  computerUse: z.looseObject({}).optional(),
  mcpServers: z.array(z.looseObject({})).optional(),
});

const GenerationConfigSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  candidateCount: z.number().int().min(1).max(8).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  responseLogprobs: z.boolean().optional(),
  logprobs: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  seed: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.looseObject({}).optional(),
  responseJsonSchema: z.unknown().optional(),
  responseModalities: z.array(z.string()).optional(),
  mediaResolution: z.string().optional(),
  speechConfig: z.looseObject({}).optional(),
  thinkingConfig: z
    .strictObject({
      includeThoughts: z.boolean().optional(),
      thinkingBudget: z.number().int().min(-1).optional(),
      thinkingLevel: z.enum(['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']).optional(),
    })
    .optional(),
  audioTranscriptionConfig: z.looseObject({}).optional(),
  imageConfig: z.looseObject({}).optional(),
  enableEnhancedCivicAnswers: z.boolean().optional(),
});

/** POST /{v}/models/{model}:generateContent body, top-level fields as the SDK maps them. */
export const GenerateContentSchema = z.strictObject({
  contents: z.array(ContentSchema).min(1, 'contents is not specified'),
  systemInstruction: ContentSchema.optional(),
  generationConfig: GenerationConfigSchema.optional(),
  tools: z.array(ToolSchema).optional(),
  toolConfig: z.looseObject({}).optional(),
  safetySettings: z.array(z.looseObject({ category: z.string(), threshold: z.string() })).optional(),
  cachedContent: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  serviceTier: z.string().optional(),
  store: z.boolean().optional(),
  continuationToken: z.string().optional(),
});
export type GenerateContentBody = z.infer<typeof GenerateContentSchema>;

/** POST /{v}/models/{model}:batchEmbedContents body. */
export const BatchEmbedSchema = z.strictObject({
  requests: z
    .array(
      z.strictObject({
        model: z.string(),
        content: ContentSchema,
        taskType: z.string().optional(),
        title: z.string().optional(),
        outputDimensionality: z.number().int().positive().max(3072).optional(),
      }),
    )
    .min(1)
    .max(100),
});

/**
 * Parses a request body or throws 400 INVALID_ARGUMENT worded like Google's: unknown fields as
 * "Invalid JSON payload received. Unknown name …", other problems as "* Request.path: message".
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, requestName: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    if (issue.code === 'unrecognized_keys') {
      const at = path ? ` at '${path.slice(1)}'` : '';
      return issue.keys
        .map((k) => `Invalid JSON payload received. Unknown name "${k}"${at}: Cannot find field.`)
        .join('\n');
    }
    return `* ${requestName}${path}: ${issue.message}`;
  });
  throw new GoogleError(400, lines.join('\n'), 'INVALID_ARGUMENT', [
    {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: result.error.issues.map((i) => ({
        field: i.path.map(String).join('.'),
        description: i.message,
      })),
    },
  ]);
}
