// ESLint (flat config): typescript-eslint's strict and stylistic type-checked rule sets over every
// TypeScript file the type check covers, with the few changes below, each with its reason.
// Formatting is Prettier's (`npm run lint` runs both).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.tap/', '.run/', '.venv/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers in messages ("is 6200 characters; IAM allows 6144") are the common case; objects,
      // undefined and the like stay forbidden.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `const { password: _p, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `async` marks "returns a promise": fastify plugins and handlers and tap subtests are async
      // by contract, whether or not they await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // The shape five more kinds will copy (issue 9): the engine stays readable step by step...
  {
    files: ['hooks/core/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*/*', '!../../**'], message: 'the engine imports no kind and no shared helper' }] }],
    },
  },
  // ...and kinds import nothing from each other: what two kinds share goes to hooks/shared/ or
  // hooks/<family>-common/.
  {
    files: ['hooks/*/**/*.ts'],
    ignores: ['hooks/core/**', 'hooks/shared/**', 'hooks/*-common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/*', '!../../**', '!../core/*', '!../shared/*', '!../*-common/*'],
              message: 'kinds import nothing from each other: move what they share to hooks/shared/ or hooks/<family>-common/',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // tap runs the subtests it is handed (t.test's promise is tap's to await).
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
      // Tests read answers as parsed JSON (`res.json()` is any) and assert on them; a value that
      // is not there fails the test, which is the point.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Fakes: a silent logger's methods do nothing; fakes and tests remove entries by key, as
      // Metacontroller or AWS would.
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  // This file itself is plain JavaScript, outside the TypeScript project.
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
