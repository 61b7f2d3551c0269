// Lint: the recommended JavaScript and TypeScript rules; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // AssemblyScript (the SIMD kernels) is TypeScript syntax plus decorators on functions (@inline),
    // which TypeScript's grammar allows only on classes: the parser is told to accept them.
    files: ['assembly/**/*.ts'],
    languageOptions: { parserOptions: { allowInvalidAST: true } },
  },
);
