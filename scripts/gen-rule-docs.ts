// Writes docs/rules/<id>.md for every rule from its metadata (npm run docs:rules).
import { writeDocs, DOCS_DIR } from './rule-docs';

const files = writeDocs();
console.log(`wrote ${files.length} files to ${DOCS_DIR}`);
