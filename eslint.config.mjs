import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.cache/**',
      'coverage/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    // The kiosk app runs in the browser as plain scripts (page and service worker).
    files: ['services/api/kiosk/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'localStorage',
          'indexedDB',
          'navigator',
          'fetch',
          'crypto',
          'location',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'caches',
          'self',
          'Request',
          'URL',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The taskforce dashboard runs in the browser as one bundle (scripts/build-dashboard.ts).
    files: ['services/dashboard/src/**/*.{ts,tsx}'],
    languageOptions: {
      sourceType: 'module',
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'localStorage',
          'navigator',
          'fetch',
          'location',
          'history',
          'addEventListener',
          'removeEventListener',
          'URLSearchParams',
          'Intl',
          'HTMLElement',
          'HTMLDetailsElement',
          'MouseEvent',
          'Event',
          'Response',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
);
