/**
 * The CloudFormation / SAM section of each rule's documentation page (docs/rules/<id>.md): the
 * same rule on a template, and its fix in the template's style. Kept beside the rules (not in their
 * `docs`) so that the Terraform text and the template text can change independently.
 */
const Y = '```yaml';
const E = '```';

export const CFN_DOCS: Record<string, string> = {
  'missing-source-arn': `${Y}
  UploadsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Resize
      Principal: apigateway.amazonaws.com   # reported: no SourceArn
${E}

Fix: insert \`SourceArn\`: the wired invoker's ARN when the template wires exactly one
(\`!Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"\`,
\`!Ref Topic\`, \`!GetAtt Rule.Arn\`, \`!GetAtt LogGroup.Arn\`; long form or JSON when the file uses
them). For a bucket that notifies the function, the ARN is written from its \`BucketName\`
(\`!Sub "arn:\${AWS::Partition}:s3:::<name>"\`): a \`!GetAtt Bucket.Arn\` would make a circular
dependency with the bucket's \`DependsOn\` (see \`notification-before-permission\`). SAM \`S3\` events
get a permission without \`SourceArn\`: reported on the event's \`Type\` line, with no fix (SAM writes
that permission).`,
  'missing-source-account': `${Y}
      Principal: s3.amazonaws.com           # reported: no SourceAccount
${E}

Fix: insert \`SourceAccount: !Ref AWS::AccountId\`. cfn-lint's \`Metadata: cfn-lint: config: ignore_checks: [W3663]\`
on the resource silences this rule too.`,
  'missing-event-source-token': `${Y}
      Principal: alexa-appkit.amazon.com    # reported: no EventSourceToken
${E}

SAM \`AlexaSkill\` events without \`SkillId\` are reported on the event's \`Type\` line (SAM's
permission then has no \`EventSourceToken\`); set \`SkillId\`.`,
  'public-invoke-principal': `${Y}
      Principal: "*"                        # reported: nothing narrows it
${E}

The two grants of a public function URL (\`FunctionUrlAuthType: NONE\`, \`InvokedViaFunctionUrl: true\`)
are \`public-function-url\` instead. cfn_nag's \`rules_to_suppress: [{id: F13}]\` silences this rule.`,
  'public-function-url': `${Y}
  OrdersUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Orders.Arn
      AuthType: NONE                        # reported (info)
${E}

Also SAM \`FunctionUrlConfig: {AuthType: NONE}\`. Fix (suggestion): \`AuthType: AWS_IAM\`.`,
  'broad-permission-action': `${Y}
      Action: lambda:*                      # reported
      Principal: s3.amazonaws.com
${E}

Fix: \`Action: lambda:InvokeFunction\`. cfn_nag's \`rules_to_suppress: [{id: W24}]\` silences this rule.`,
  'broad-source-arn': `${Y}
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:*/*/*"   # reported
${E}

Fix: the wired invoker's ARN, as for \`missing-source-arn\`.`,
  'wildcard-lambda-action': `${Y}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:*            # reported
                Resource: !GetAtt Orders.Arn
${E}

Read in \`AWS::IAM::Role\` \`Policies\`, \`AWS::IAM::Policy\`, \`AWS::IAM::ManagedPolicy\` and SAM
function \`Policies\` statements. SAM policy templates (\`LambdaInvokePolicy: {FunctionName: ...}\`) are
a named scope and never reported.`,
  'wildcard-lambda-resource': `${Y}
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource: "*"               # reported
${E}

Fix: the function's ARN (\`!GetAtt Orders.Arn\`).`,
  'missing-invoke-permission': `${Y}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Orders.Arn}/invocations   # reported
${E}

Fix: a whole \`AWS::Lambda::Permission\` after the trigger:

${Y}
  OrdersApiGatewayPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Orders
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*"
${E}

Triggers read: \`AWS::ApiGateway::Method\` integrations, \`AWS::ApiGateway::Authorizer\`,
\`AWS::ApiGatewayV2::Integration\`/\`Route\`/\`Authorizer\`, \`AWS::S3::Bucket\` \`LambdaConfigurations\`,
\`AWS::SNS::Subscription\` and \`AWS::SNS::Topic\` \`Subscription\`, \`AWS::Events::Rule\` \`Targets\`,
\`AWS::Logs::SubscriptionFilter\`, \`AWS::ElasticLoadBalancingV2::TargetGroup\` Lambda targets,
\`AWS::Cognito::UserPool\` \`LambdaConfig\`, \`AWS::IoT::TopicRule\`, OpenAPI \`Body\`/\`DefinitionBody\`
integrations (inline, \`AWS::Include\` or a local \`DefinitionUri\`). SAM function \`Events\` make their
own permissions: no finding there. SAM HttpApi Lambda authorizers get a permission only with
\`EnableFunctionDefaultPermissions: true\`, REST ones lose it with \`DisableFunctionDefaultPermissions: true\`:
otherwise reported on the authorizer's \`FunctionArn\`.`,
  'source-arn-mismatch': `${Y}
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub "arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}"   # reported: no /stage/method/path
${E}

Fix: the wired invoker's ARN (\`.../\${Api}/*/*\`).`,
  'qualifier-mismatch': `${Y}
      FunctionName: !Ref Orders             # reported: the integration invokes alias Live (!Ref OrdersAliasLive)
${E}

The qualifier of a template permission is part of \`FunctionName\` (\`!Ref Alias\`). Fix: name the alias
there (\`FunctionName: !Ref Live\`). SAM \`AutoPublishAlias\` moves the invoke target of the function's
events to the alias (\`!Ref Fn.Alias\`).`,
  'credentials-role-cannot-invoke': `${Y}
      Integration:
        Type: AWS_PROXY
        Credentials: !GetAtt ApiRole.Arn    # reported when ApiRole cannot invoke the function
${E}

The role's policies are read from \`AWS::IAM::Role\` \`Policies\`, \`AWS::IAM::Policy\` and
\`AWS::IAM::ManagedPolicy\` (\`Roles\`). Fix: a statement \`Effect: Allow, Action: lambda:InvokeFunction,
Resource: !GetAtt Fn.Arn\` added to the role's policy, in the list's style.`,
  'function-url-missing-invoke-function': `${Y}
  OrdersUrlPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunctionUrl      # reported: no companion lambda:InvokeFunction grant
      FunctionName: !Ref Orders
      Principal: "*"
      FunctionUrlAuthType: NONE
${E}

Reported on the \`AWS::Lambda::Url\`'s \`AuthType\` and on the permission's \`Action\`. Fix: the companion
\`AWS::Lambda::Permission\` (\`Action: lambda:InvokeFunction\`, same \`FunctionName\`/\`Principal\`/\`SourceArn\`,
\`InvokedViaFunctionUrl: true\`) after it. SAM \`FunctionUrlConfig\` writes both grants itself.`,
  'notification-before-permission': `This rule exists for templates only; the example above is CloudFormation.

${Y}
  Uploads:
    Type: AWS::S3::Bucket
    DependsOn: UploadsPermission            # the fix
${E}`,
  'parse-error': `A template (YAML or JSON recognised by content: \`AWSTemplateFormatVersion\`, the SAM \`Transform\`,
or typed \`Resources\`) with a syntax error: one finding at the first error, with the YAML or JSON
parser's message. Other YAML and JSON files are never reported.`,
};
