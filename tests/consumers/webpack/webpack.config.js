// A production build of a webpack 5 app that depends on advcompress. Nothing package-specific is needed: webpack
// follows `new Worker(new URL('./worker.js', import.meta.url))` to bundle the worker, and emits each wasm file
// referenced by `new URL('….wasm', import.meta.url)` as an asset.
import HtmlWebpackPlugin from 'html-webpack-plugin';
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './src/index.js',
  output: { path: fileURLToPath(new URL('./dist/', import.meta.url)), clean: true, publicPath: 'auto',
    assetModuleFilename: '[name].[contenthash:8][ext]' },  // (readable wasm names in the tests' network log)
  plugins: [new HtmlWebpackPlugin({ template: './index.html', scriptLoading: 'module' })],
  experiments: { outputModule: true },
  performance: { hints: false },
  stats: 'errors-warnings',
};
