/**
 * Generated inputs of the benchmarks (deterministic: same bytes on every machine).
 *  - typingModule(units): a Terraform file with `units` Lambda functions, each with a permission,
 *    an API Gateway integration and an IAM role policy (20 lines a unit: 100 units = 2,000 lines).
 *  - monorepo(dir): 10,000 files, ~40 MB in 1,000 folders; 100 folders (1,000 files) are Lambda
 *    modules, the other 900 are ordinary Terraform (S3, VPC, EC2, RDS) and JSON (package manifests,
 *    fixtures, dashboards). Written once under /tmp and reused (a marker file records the version).
 */
import * as fs from 'fs';
import * as path from 'path';

export const BENCH_TMP = process.env.LPG_BENCH_TMP ?? '/tmp/lpg-bench';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One Lambda unit: function, permission (every third one lacks source_arn), integration, role policy. 20 lines. */
function lambdaUnit(i: number): string {
  const arn = i % 3 === 0 ? '' : `  source_arn    = "\${aws_apigatewayv2_api.api.execution_arn}/*/*"\n`;
  return `resource "aws_lambda_function" "fn${i}" {
  function_name = "\${local.prefix}-fn${i}"
  role          = aws_iam_role.lambda.arn
}
resource "aws_lambda_permission" "api${i}" {
  statement_id  = "AllowApi${i}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn${i}.function_name
  principal     = "apigateway.amazonaws.com"
${arn || '  source_account = var.account_id\n'}}
resource "aws_apigatewayv2_integration" "int${i}" {
  api_id           = aws_apigatewayv2_api.api.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.fn${i}.invoke_arn
}
resource "aws_iam_role_policy" "p${i}" {
  role   = aws_iam_role.lambda.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = "arn:aws:dynamodb:*:*:table/t${i}" }] })
}
`;
}

const TYPING_HEADER = `locals {
  prefix = "bench"
}
variable "account_id" {
  default = "123456789012"
}
resource "aws_apigatewayv2_api" "api" {
  name          = "bench"
  protocol_type = "HTTP"
}
resource "aws_iam_role" "lambda" {
  name               = "bench"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}
`;

/** A module file with `units` Lambda units (20 lines each) after a 14-line header. */
/**
 * A plain module of about `lines` lines: ordinary resources (buckets, their versioning, security
 * groups with rules), no Lambda function, trigger, permission or policy: what most Terraform is.
 */
export function plainModule(lines: number): string {
  let s = '';
  for (let i = 0; s.split('\n').length < lines; i++) {
    s += `resource "aws_s3_bucket" "b${i}" {\n  bucket = "example-bucket-${i}"\n  tags = {\n    Name        = "bucket ${i}"\n    Environment = "prod"\n  }\n}\n\n`;
    s += `resource "aws_s3_bucket_versioning" "v${i}" {\n  bucket = aws_s3_bucket.b${i}.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n\n`;
    s += `resource "aws_security_group" "sg${i}" {\n  name   = "sg-${i}"\n  vpc_id = "vpc-0123456789abcdef0"\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n    cidr_blocks = ["10.0.0.0/8"]\n  }\n}\n\n`;
  }
  return s;
}

export function typingModule(units: number): string {
  let s = TYPING_HEADER;
  for (let i = 0; i < units; i++) s += lambdaUnit(i);
  return s;
}

// ------------------------------------------------------------------ monorepo

const MONOREPO_VERSION = 'v1';

function pad(s: string, size: number, r: () => number): string {
  // Pads a Terraform text up to ~size bytes with ordinary resources (tags, comments).
  let out = s;
  let k = 0;
  while (out.length < size) {
    const n = Math.floor(r() * 1e6);
    out += `\n# ${'-'.repeat(20)} bucket ${k}\nresource "aws_s3_bucket" "b${k}_${n}" {\n  bucket = "data-${n}"\n  tags = {\n    Team        = "platform"\n    CostCenter  = "${n % 97}"\n    Environment = var.environment\n  }\n}\n`;
    k++;
  }
  return out;
}

function ordinaryTf(kind: number, r: () => number, size: number): string {
  const n = Math.floor(r() * 1e6);
  const heads = [
    `resource "aws_vpc" "main" {\n  cidr_block           = "10.${n % 250}.0.0/16"\n  enable_dns_hostnames = true\n}\nresource "aws_subnet" "a" {\n  vpc_id     = aws_vpc.main.id\n  cidr_block = cidrsubnet(aws_vpc.main.cidr_block, 8, 1)\n}\n`,
    `resource "aws_instance" "web" {\n  ami           = data.aws_ami.ubuntu.id\n  instance_type = "t3.micro"\n  user_data     = <<-EOT\n    #!/bin/bash\n    echo hello ${n}\n  EOT\n}\ndata "aws_ami" "ubuntu" {\n  most_recent = true\n  owners      = ["099720109477"]\n}\n`,
    `resource "aws_db_instance" "db" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  allocated_storage = ${20 + (n % 100)}\n  username          = var.db_user\n}\n`,
    `variable "environment" {\n  type    = string\n  default = "dev"\n}\nvariable "db_user" {\n  type = string\n}\noutput "id" {\n  value = "x-${n}"\n}\n`,
  ];
  return pad(heads[kind % heads.length], size, r);
}

function ordinaryJson(kind: number, r: () => number, size: number): string {
  const n = Math.floor(r() * 1e6);
  if (kind % 3 === 0) {
    const deps: Record<string, string> = {};
    for (let i = 0; Object.keys(deps).length * 30 < size; i++) deps[`pkg-${n}-${i}`] = `^${i % 9}.${i % 7}.${i % 5}`;
    return JSON.stringify({ name: `svc-${n}`, version: '1.0.0', private: true, dependencies: deps }, null, 2) + '\n';
  }
  const rows: unknown[] = [];
  let len = 0;
  for (let i = 0; len < size; i++) {
    const row = { id: n + i, name: `item ${i}`, tags: ['a', 'b'], price: (i * 7.3) % 100, ok: i % 2 === 0 };
    rows.push(row);
    len += 90;
  }
  return JSON.stringify(kind % 3 === 1 ? { widgets: rows } : rows, null, 2) + '\n';
}

/** The ten files of a Lambda module (~4 KB each). */
function lambdaModule(m: number, r: () => number): Record<string, string> {
  const units = (from: number, k: number) => { let s = ''; for (let i = from; i < from + k; i++) s += lambdaUnit(i); return s; };
  const files: Record<string, string> = {
    'main.tf': TYPING_HEADER + units(0, 4),
    'functions.tf': units(4, 4),
    'more.tf': units(8, 4),
    'variables.tf': pad('variable "region" {\n  default = "eu-west-1"\n}\n', 4000, r),
    'outputs.tf': pad('output "api" {\n  value = aws_apigatewayv2_api.api.id\n}\n', 4000, r),
    's3.tf': `resource "aws_s3_bucket_notification" "n" {\n  bucket = "uploads-${m}"\n  lambda_function {\n    lambda_function_arn = aws_lambda_function.fn1.arn\n    events              = ["s3:ObjectCreated:*"]\n  }\n}\nresource "aws_lambda_permission" "s3" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.fn1.function_name\n  principal     = "s3.amazonaws.com"\n  source_arn    = "arn:aws:s3:::uploads-${m}"\n}\n`,
    'terraform.tfvars': 'region = "eu-west-1"\naccount_id = "123456789012"\n',
    'policies/invoke.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: m % 4 === 0 ? 'lambda:*' : 'lambda:InvokeFunction', Resource: `arn:aws:lambda:eu-west-1:123456789012:function:bench-fn${m}` }] }, null, 2) + '\n',
    'policies/resource.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: '*' }] }, null, 2) + '\n',
  };
  files['package.json'] = ordinaryJson(0, r, 3000);
  // pad the module to ~40 KB like the others
  files['outputs.tf'] = pad(files['outputs.tf'], 4000 + Math.max(0, 40_000 - Object.values(files).reduce((a, b) => a + b.length, 0)), r);
  return files;
}

export interface Monorepo { dir: string; files: number; bytes: number; lambdaModules: number }

/** Generates (or reuses) the 10,000-file monorepo. */
export function monorepo(dir = path.join(BENCH_TMP, 'monorepo-' + MONOREPO_VERSION)): Monorepo {
  const marker = dir + '.complete.json'; // beside the tree, not in it
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8')) as Monorepo;
  fs.rmSync(dir, { recursive: true, force: true });
  const r = rng(42);
  let files = 0, bytes = 0, lambdaModules = 0;
  const write = (rel: string, text: string): void => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    files++; bytes += Buffer.byteLength(text);
  };
  for (let m = 0; m < 1000; m++) {
    const team = `team-${String(m % 20).padStart(2, '0')}`;
    const base = `${team}/svc-${String(m).padStart(4, '0')}`;
    if (m % 10 === 3) {
      lambdaModules++;
      for (const [rel, text] of Object.entries(lambdaModule(m, r))) write(`${base}/${rel}`, text);
      continue;
    }
    for (let k = 0; k < 6; k++) write(`${base}/${['main', 'network', 'compute', 'variables', 'data', 'db'][k]}.tf`, ordinaryTf(k + m, r, 3000 + Math.floor(r() * 3000)));
    write(`${base}/package.json`, ordinaryJson(0, r, 2500));
    write(`${base}/fixtures/items.json`, ordinaryJson(2, r, 4000 + Math.floor(r() * 3000)));
    write(`${base}/dashboards/main.json`, ordinaryJson(1, r, 3000));
    write(`${base}/terraform.tfvars`, `environment = "prod"\ndb_user = "app"\n`);
  }
  const info: Monorepo = { dir, files, bytes, lambdaModules };
  fs.writeFileSync(marker, JSON.stringify(info));
  return info;
}

if (require.main === module) {
  const m = monorepo();
  console.log(`${m.dir}: ${m.files} files, ${(m.bytes / 1e6).toFixed(1)} MB, ${m.lambdaModules} Lambda modules`);
  for (const u of [10, 100]) console.log(`typing module ${u} units: ${typingModule(u).split('\n').length - 1} lines`);
}
