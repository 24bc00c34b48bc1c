// ESLint flat config: typescript-eslint's recommended rules; formatting is Prettier's job.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layering, checked (docs/architecture.md): what each core folder of src/ must never import. The core does
 * not know the owner's Telegram bot or the HTTP layer; the store does not know the responder; the responder
 * knows no channel adapter (Avito, the website widget, the Telegram buyer bot under bot/): they implement its
 * ports.
 */
const LAYERS = {
  avito: ['bot', 'http'],
  rag: ['bot', 'http'],
  responder: ['bot', 'http', 'avito', 'web'],
  store: ['bot', 'http', 'responder'],
  sales: ['bot', 'http'],
  integrations: ['bot', 'http'],
};
/** Folder depth below src/<area>/ the rules reach (imports are relative, so each depth has its own pattern). */
const LAYER_DEPTH = 6;

/** One config per folder and depth: `../` repeated to the depth leads to src/ and then to a forbidden folder. */
function layering() {
  return Object.entries(LAYERS).flatMap(([area, forbidden]) =>
    Array.from({ length: LAYER_DEPTH }, (_, depth) => ({
      files: [`src/${area}/${'*/'.repeat(depth)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: forbidden.map((target) => ({
              regex: `^(\\.\\./){${depth + 1}}${target}(/|$)`,
              message: `src/${area} must not import src/${target}: dependencies point inward (docs/architecture.md).`,
            })),
          },
        ],
      },
    })),
  );
}

/**
 * The texts (src/texts/) are the innermost layer: every layer may import them, and they import nothing of ours
 * but types of src/models (the codes they word), so no text pulls code from another layer along.
 */
function textsLayer() {
  return Array.from({ length: LAYER_DEPTH }, (_, depth) => ({
    files: [`src/texts/${'*/'.repeat(depth)}*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./){${depth + 1}}(?!models/)`,
              message:
                'src/texts must import nothing of ours but types of src/models (docs/architecture.md).',
            },
            {
              regex: `^(\\.\\./){${depth + 1}}models/`,
              allowTypeImports: true,
              message: 'src/texts may import only types from src/models (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'coverage/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  ...layering(),
  ...textsLayer(),
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
