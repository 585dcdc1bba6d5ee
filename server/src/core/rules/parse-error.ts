import type { Rule } from './rule';

/** Reported by the analysis driver from the authoritative parser's errors; this module carries the metadata. */
export const parseError: Rule = {
  meta: {
    id: 'parse-error',
    severity: 'error',
    kind: 'syntax',
    title: 'A Terraform or policy file has a syntax error.',
    docs: `A \`.tf\`, \`.tf.json\` or policy \`.json\` file that does not parse. One finding at the first error, with
the parser's own message (HashiCorp's HCL parser for Terraform). The rest of the folder is still
checked; in the editor, findings from the last good parse of the broken file stay until it parses again.`,
  },
  check() { /* see analyze.ts */ },
};
