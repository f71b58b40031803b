/**
 * serverless@3 plugin: the Lambda runtimes the project deploys on that serverless@3's configuration
 * schema does not list. v3 passes provider.runtime to CloudFormation as it is and serverless-esbuild
 * and serverless-offline know nodejs22.x, but the schema stops at nodejs20.x and v3 gets no new
 * runtimes (serverless/serverless#12963); with `configValidationMode: error` it would refuse the
 * configuration. This adds them to the schema's runtime list before the configuration is validated
 * (plugins load first), and changes nothing else.
 */
'use strict';

const RUNTIMES = ['nodejs22.x'];

class LambdaRuntimes {
  constructor(serverless) {
    const runtimes = serverless.configSchemaHandler?.schema?.definitions?.awsLambdaRuntime;
    if (!Array.isArray(runtimes?.enum))
      throw new Error(
        'scripts/aws/lambda-runtimes.js: serverless has no awsLambdaRuntime list in its schema any more; is this plugin still needed?',
      );
    for (const r of RUNTIMES) if (!runtimes.enum.includes(r)) runtimes.enum.push(r);
  }
}

module.exports = LambdaRuntimes;
