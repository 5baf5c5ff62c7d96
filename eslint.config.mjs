// ESLint: the recommended JavaScript and typescript-eslint rules, lines of at most 150 characters.
// `npm run lint`. Generated files (imports/, the schema validator, dist/, the compiled lib/) are not linted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The Node.js globals the CommonJS scripts use (the `globals` package is not a dependency for this short list).
const node = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'setTimeout', 'clearTimeout', 'URL']
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/', 'build/', 'lib/', 'dist/', 'coverage/', '.tools/', '.cdk8s-out/', 'imports/',
      'charts/config/schema-validator.generated.*',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // Unused arguments and catch bindings are named with a leading underscore on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `import x = require('./file.json')` is TypeScript's CommonJS import (JSON, the generated validator).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    // Tests read synthesized YAML back, which has no static type: `any` there is the honest type.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
