import type { Rule } from './rule';
import { parseError } from './parse-error';
import { missingSourceArn } from './missing-source-arn';

/** Every rule, in reporting order. */
export const allRules: Rule[] = [
  missingSourceArn,
  parseError,
];

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.meta.id === id);
}
