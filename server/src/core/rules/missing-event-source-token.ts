import type { FixSpec, Rule } from './rule';
import { attr } from '../model/ast';
import { isAlexaPrincipal } from '../model/principals';
import { insertAttribute } from '../fix/edits';
import { holderOf, permFnNames } from './names';
import { fileOf, jsonAddCondition, lambdaPermissions, mergeEdits, present, principalOf, quote, snippetFor } from './common';

export const missingEventSourceToken: Rule = {
  meta: {
    id: 'missing-event-source-token',
    severity: 'warning',
    kind: 'exposure',
    title: 'An Alexa permission has no event_source_token: any skill can invoke the function.',
    docs: `A permission for an Alexa principal (\`alexa-appkit.amazon.com\`, \`alexa-connectedhome.amazon.com\`)
without \`event_source_token\` (JSON: a \`lambda:EventSourceToken\` condition): any Alexa skill, of
any developer, can invoke the function.

Fix (suggestion): insert \`event_source_token = "<skill id>"\` with the skill's id
(\`amzn1.ask.skill.…\`).`,
  },
  check(ctx) {
    for (const p of lambdaPermissions(ctx.facts)) {
      const principal = principalOf(p);
      if (!principal || !isAlexaPrincipal(principal) || present(p.eventSourceToken)) continue;
      const field = p.principal!;
      const fixes: FixSpec[] = [];
      const fn = permFnNames(ctx.facts, p);
      if (p.origin === 'tf' && p.resource) {
        const b = p.resource.block;
        const plain = quote('amzn1.ask.skill.skill-id');
        const edits = mergeEdits(p.resource.file, insertAttribute(p.resource.file, b, 'event_source_token', { hcl: plain, json: plain }, attr(b, 'principal')));
        fixes.push({ title: 'Add event_source_token (the skill id)', preferred: false, edits, snippet: edits.length === 1 ? snippetFor(edits[0], plain, '"${1:amzn1.ask.skill.skill-id}"') : undefined });
        ctx.report({
          file: field.file, span: field.span,
          message: `No event_source_token: any Alexa skill can invoke ${fn.name} (aws_lambda_permission.${p.resource.name}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the skill.`,
          fixes, suppressTarget: field.file === p.file ? b.span : undefined,
        });
      } else if (p.statement) {
        const file = fileOf(ctx, p.statement.file);
        const edit = file && jsonAddCondition(file, p.statement, 'StringEquals', 'lambda:EventSourceToken', '"amzn1.ask.skill.skill-id"');
        if (edit) fixes.push({ title: 'Add a lambda:EventSourceToken condition (the skill id)', preferred: false, edits: [edit], snippet: snippetFor(edit, '"amzn1.ask.skill.skill-id"', '"${1:amzn1.ask.skill.skill-id}"') });
        ctx.report({ file: field.file, span: field.span, message: `No lambda:EventSourceToken condition: any Alexa skill can invoke ${fn.name} (the statement in ${holderOf(p.statement.doc)}${fn.addr ? ` on ${fn.addr}` : ''}). It lets ${principal} invoke the function without naming the skill.`, fixes });
      }
    }
  },
};
