#!/usr/bin/env bash
# The release's packages, one per stage, all from this commit (.github/workflows/deploy.yml):
# `serverless package --stage <stage> --package <dir>/<stage>`, each naming the CloudFormation role
# of its account (resources/github-deploy-role.yml) and, for prod and dr, the other region's host
# endpoint service once it exists; then the function code must be one artifact (same-artifact.sh).
#
#   AWS_ACCOUNT_STAGING=<id> AWS_ACCOUNT_PRODUCTION=<id> \
#     [PEER_HOST_SERVICE_NAME_PROD=<dr's HostEndpointServiceName>] [PEER_HOST_SERVICE_NAME_DR=<prod's>] \
#     scripts/ci/package-release.sh [dir, default .artifacts]
#
# prod and dr share the production account: their global tables replicate within one account.
# SERVERLESS replaces the serverless command (the tests').
set -euo pipefail
out=$(realpath -m "${1:-.artifacts}")
cd "$(dirname "$0")/../.."
for var in AWS_ACCOUNT_STAGING AWS_ACCOUNT_PRODUCTION; do
  [[ ${!var:-} =~ ^[0-9]{12}$ ]] || {
    echo "$var must be an AWS account id (12 digits), not '${!var:-}': set the repository variable" >&2
    exit 1
  }
done
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
read -r -a serverless <<<"${SERVERLESS:-npx serverless}"

package() {
  local stage=$1 account=$2 peer=${3:-}
  local args=(package --stage "$stage" --package "$out/$stage" --param "deploymentRole=arn:aws:iam::$account:role/exchange-cloudformation-deploy")
  # serverless refuses an empty --param; without it the stage has no endpoint to the other region (its first deploy)
  [ -z "$peer" ] || args+=(--param "peerHostServiceName=$peer")
  rm -rf "${out:?}/$stage"
  "${serverless[@]}" "${args[@]}"
}

package staging "$AWS_ACCOUNT_STAGING"
package prod "$AWS_ACCOUNT_PRODUCTION" "${PEER_HOST_SERVICE_NAME_PROD:-}"
package dr "$AWS_ACCOUNT_PRODUCTION" "${PEER_HOST_SERVICE_NAME_DR:-}"
bash scripts/ci/same-artifact.sh "$out/staging" "$out/prod" "$out/dr"
