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
checked; in the editor, findings from the last good parse of the broken file stay until it parses again.

Errors that tree-sitter accepts but HCL rejects are found cheaply (and confirmed by HashiCorp's parser
in a scan): a quoted string split over lines ("Invalid multi-line string", reported at its opening
quote: the blocks after it are still read, and the argument it breaks is unknown), two arguments or
blocks on one line ("Missing newline after argument", "Missing newline after block definition",
single-line blocks with more than one argument), a line break inside a block header or before an
argument's \`=\`, and an argument set twice in one block ("Attribute redefined").

Policy files that are Terraform templates (\`.json\` read by \`templatefile()\`, with \`\${...}\`
outside strings or \`%{ if }\` directives; \`.tpl\`, \`.tftpl\`, \`.json.tpl\`) are not broken JSON:
they are read as templates and never reported here.`,
  },
  check() { /* see analyze.ts */ },
};
