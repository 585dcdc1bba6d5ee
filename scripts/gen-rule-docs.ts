// Writes docs/rules/<id>.md for every rule from its metadata, and schemas/lpg.schema.json (npm run docs:rules).
import * as fs from 'fs';
import { writeDocs, DOCS_DIR, SCHEMA_FILE, expectedSchema } from './rule-docs';

const files = writeDocs();
console.log(`wrote ${files.length} files to ${DOCS_DIR}`);
fs.writeFileSync(SCHEMA_FILE, expectedSchema());
console.log(`wrote ${SCHEMA_FILE}`);
