import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'data',
      'dist',
      '.test-template',
      'bin',
      'scripts',
      'web/dist',
      // Generated from the server's OpenAPI document (npm run api:types).
      'web/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Fastify plugins and hooks are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The console: hooks called unconditionally and with complete dependency lists.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // The domain is pure: rules over values. Storage, HTTP and the file system belong to src/app and beyond.
    files: ['src/domain/**/*.ts'],
    ignores: ['src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(node:)?(fs|fs/promises|net|http|https|http2|dns|child_process|worker_threads|dgram|tls)$',
              message: 'The domain does no I/O: do it in src/app and pass the result in.',
            },
            {
              regex: '^(pg|kysely|@electric-sql/pglite|fastify|@fastify/.*|undici)$',
              message: 'The domain knows no database or HTTP: do it in src/app or src/http.',
            },
            {
              regex: '/(db|app|http|jobs|cli)/',
              message: 'The domain depends on nothing outside src/domain.',
            },
          ],
        },
      ],
    },
  },
  { files: ['eslint.config.js', 'vitest.config.ts'], ...tseslint.configs.disableTypeChecked },
);
