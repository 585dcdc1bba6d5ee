/** esbuild `inject` of the browser server bundle: free references to `Buffer` use the small stand-in. */
export { Buffer } from './shims';
