/** The built-in examples (web/examples/, bundled as text). */
import apiGateway500 from '../examples/api-gateway-500.tf';
import lambdaStar from '../examples/lambda-star.json';
import functionUrl403 from '../examples/function-url-403.tf';
import getPolicy from '../examples/get-policy.json';

export interface Example { id: string; title: string; description: string; files: { name: string; text: string }[] }

export const EXAMPLES: Example[] = [
  { id: 'api-gateway-500', title: 'API Gateway 500', description: 'A REST API integration whose function has no aws_lambda_permission for apigateway.amazonaws.com', files: [{ name: 'main.tf', text: apiGateway500 }] },
  { id: 'lambda-star', title: 'lambda:* on *', description: 'An IAM policy allowing every Lambda action on every resource', files: [{ name: 'policy.json', text: lambdaStar }] },
  { id: 'function-url-403', title: 'Function URL 403', description: 'A public function URL granted lambda:InvokeFunctionUrl but not lambda:InvokeFunction', files: [{ name: 'main.tf', text: functionUrl403 }] },
  { id: 'get-policy', title: 'get-policy: open to anyone', description: 'An aws lambda get-policy answer: principal "*" without a condition, and S3 without source ARN or account', files: [{ name: 'get-policy.json', text: getPolicy }] },
];
