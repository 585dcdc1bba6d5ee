/**
 * Which files a scan reads and how they form modules. Pure: works on root-relative paths.
 *
 * A Terraform module is a folder with `.tf`/`.tf.json` files; it also owns the files of its
 * descendant folders that hold no Terraform (e.g. `policies/*.json` read with `file()`), up to the
 * next folder with Terraform files. A folder of policy JSON outside any module is a module of its own.
 */

import { mayBeTemplatePath } from '../core/source';
import { mayBeTemplate } from '../core/frontends/cfn/synth';

/** Folders never entered. */
export const SKIP_DIRS = new Set(['.terraform', 'node_modules', '.git']);

/** Files a scan reads: Terraform, variables, JSON (policies), templates. */
export function isScannedFile(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.tf') || n.endsWith('.tf.json') || n.endsWith('.tfvars') || n.endsWith('.json') || n.endsWith('.tpl') || n.endsWith('.tftpl')
    || n.endsWith('.yaml') || n.endsWith('.yml') || n.endsWith('.template');
}

export function isTerraformFile(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.tf') || n.endsWith('.tf.json');
}

/** Cheap text test: is the file worth parsing? (Terraform always; JSON and templates only when they may hold a policy.) */
export function worthReading(name: string, text: string): boolean {
  const n = name.toLowerCase();
  if (n.endsWith('.tf') || n.endsWith('.tf.json') || n.endsWith('.tfvars')) return true;
  // CloudFormation / SAM templates (recognised by content) and the OpenAPI files they include
  if (mayBeTemplatePath(n) && (mayBeTemplate(text) || text.includes('x-amazon-apigateway-integration'))) return true;
  if (n.endsWith('.yaml') || n.endsWith('.yml') || n.endsWith('.template')) return false;
  return text.includes('Statement') || text.includes('"Policy"');
}

/**
 * Cheap text test on a module's texts: can any rule report anything in it? Every rule is about Lambda
 * (functions, permissions, triggers that name a function) or IAM policies (`aws_iam_*`, policy
 * documents, policy JSON with `Statement`). A module none of whose files mentions any of these is
 * not parsed (a scan of a monorepo then parses only the folders that matter). Its syntax errors are
 * not reported either: `parse-error` is about the files the other rules read.
 */
const RELEVANT = /lambda|aws_iam_|statement|"policy"|AWS::Serverless::/i;
export function mayBeRelevant(text: string): boolean {
  return RELEVANT.test(text);
}

export interface ModulePlan {
  /** Root-relative folder of the module ('' for the root), `/` separators. */
  dir: string;
  /** Root-relative paths of the module's files, sorted. */
  files: string[];
}

function dirOf(p: string): string { const i = p.lastIndexOf('/'); return i < 0 ? '' : p.slice(0, i); }
function parentOf(d: string): string | undefined { return d === '' ? undefined : dirOf(d); }

/** Groups scanned files (root-relative, `/` separators) into modules. */
export function planModules(paths: string[]): ModulePlan[] {
  const tfDirs = new Set<string>();
  for (const p of paths) if (isTerraformFile(p)) tfDirs.add(dirOf(p));
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const d = dirOf(p);
    let owner: string | undefined;
    for (let x: string | undefined = d; x !== undefined; x = parentOf(x)) if (tfDirs.has(x)) { owner = x; break; }
    const key = owner ?? d;
    const g = groups.get(key);
    if (g) g.push(p); else groups.set(key, [p]);
  }
  return [...groups.entries()]
    .map(([dir, files]) => ({ dir, files: files.sort() }))
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** A path relative to a module folder. */
export function relativeTo(dir: string, p: string): string {
  return dir === '' ? p : p.slice(dir.length + 1);
}
