/**
 * The rule documentation pages, docs/rules/<id>.md (the pages the editors' diagnostics link to),
 * embedded at build time by scripts/build.mjs (virtual module `lpg:rule-docs`): no request at run time.
 */
import docs from 'lpg:rule-docs';

export const RULE_DOCS: Record<string, string> = docs;
