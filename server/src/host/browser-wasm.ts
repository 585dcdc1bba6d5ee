/**
 * Browser stand-in for host/node-wasm.ts (scripts/build.mjs swaps it in for browser bundles): the
 * page's worker and the web extension's server call the core's initParser(wasm) with URLs first;
 * later calls share that promise.
 */
import { initParser as initCore, type ParserWasm } from '../core/parse/treesitter';

export function nodeParserWasm(): ParserWasm { throw new Error('no Node WASM paths in a browser: call initParser(wasm) with URLs'); }

export function initParser(): Promise<void> { return initCore(); }
