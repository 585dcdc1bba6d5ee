/** The real server over stdio on a SAM template: typed into, a finding appears, the quick fix clears it; other YAML stays silent. */
import * as assert from 'assert';
import * as path from 'path';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { TestClient, makeWorkspace, covered, positionAt } from './client';

const SAM = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Resize:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: uploads-example
`;
const NOTIFY = `      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Resize.Arn
  UploadsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Resize
      Principal: s3.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
      SourceArn: !Sub "arn:\${AWS::Partition}:s3:::uploads-example"
`;

describe('protocol: CloudFormation / SAM templates', function () {
  let c: TestClient;
  afterEach(async () => { await c?.stop(); });

  it('a SAM template typed into: notification-before-permission appears as it is typed; the quick fix adds DependsOn and clears it', async () => {
    const root = makeWorkspace({ 'template.yaml': SAM, '.github/workflows/ci.yml': 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n' });
    c = new TestClient({ root, settings: { '*': { debounceMs: 0 } } });
    await c.initialize();
    const ci = await c.open(path.join(root, '.github/workflows/ci.yml'));
    const uri = await c.open(path.join(root, 'template.yaml'));
    assert.deepStrictEqual(await c.current(uri), []);
    // type the notification and the permission, in two keystroke batches
    const half = NOTIFY.indexOf('  UploadsPermission:');
    await c.insertAt(uri, SAM.length, NOTIFY.slice(0, half));
    await c.insertAt(uri, c.text(uri).length, NOTIFY.slice(half));
    const ds = await c.current(uri, (d) => d.length === 1);
    assert.strictEqual(ds[0].code, 'notification-before-permission');
    assert.strictEqual(covered(c.text(uri), ds[0].range), '!GetAtt Resize.Arn');
    assert.match(ds[0].message, /^AWS::S3::Bucket Uploads may be created before UploadsPermission: it does not depend on UploadsPermission/);
    const actions = await c.codeActions(uri, ds[0].range, ds);
    assert.deepStrictEqual(actions.map((a: CodeAction) => [a.title, !!a.isPreferred]), [
      ['Add DependsOn: UploadsPermission to Uploads', true],
      ['Ignore notification-before-permission for this resource', false],
      ['Fix all auto-fixable lpg problems', false],
    ]);
    c.applyWorkspaceEdit(actions[0].edit!);
    assert.strictEqual(c.text(uri), (SAM + NOTIFY).replace('    Type: AWS::S3::Bucket\n', '    Type: AWS::S3::Bucket\n    DependsOn: UploadsPermission\n'));
    assert.deepStrictEqual(await c.current(uri), []);
    // the CI file is YAML but no template: nothing reported
    assert.deepStrictEqual(c.latest.get(ci)?.diagnostics ?? [], []);
    void positionAt;
  });
});
