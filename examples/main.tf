# Orders service: two REST APIs in front of two Lambda functions, a nightly report job and a
# public webhook receiver. This folder is the demo project of `lpg scan examples`: it contains a few
# permission mistakes that are easy to make and hard to spot in review (see the "MISTAKE" comments).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  service = "orders"
}

data "aws_caller_identity" "current" {}
