# The deployment pipeline's role: it updates the functions' code.

resource "aws_iam_role" "deployer" {
  name = "${local.service}-deployer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# MISTAKE: lambda:* on every function of the account. The pipeline only needs
# lambda:UpdateFunctionCode on the four functions of this service.
resource "aws_iam_role_policy" "deployer" {
  name = "deploy-lambda"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "lambda:*"
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "arn:aws:s3:::orders-artifacts/*"
      },
    ]
  })
}
