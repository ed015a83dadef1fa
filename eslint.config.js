import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const timeAndRandom = [
  { name: 'setTimeout', message: 'Use src/clock (injected time) instead.' },
  { name: 'setInterval', message: 'Use src/clock (injected time) instead.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', '.scratch/**'] },
  { files: ['bin/**/*.js'], languageOptions: { globals: { process: 'readonly' } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-globals': ['error', ...timeAndRandom],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use src/random (seeded streams).' },
        { object: 'Date', property: 'now', message: 'Use src/clock (injected time).' },
        { object: 'performance', property: 'now', message: 'Use src/clock (injected time).' },
        { object: 'process', property: 'exit', message: 'Set process.exitCode in src/cli/main.ts only.' },
      ],
    },
  },
  {
    files: ['src/clock/**/*.ts', 'src/random/**/*.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,js}', '*.config.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
