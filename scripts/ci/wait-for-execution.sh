#!/usr/bin/env bash
# Waits until a Step Functions execution ends (the deploy waits for the host release this way,
# .github/workflows/deploy.yml): exit 0 when it SUCCEEDED; 1 when it FAILED, TIMED_OUT or ABORTED
# (its error and cause on stderr), when its status is one this script does not know, or when it is
# still running after the timeout.
#
#   scripts/ci/wait-for-execution.sh <execution ARN> [timeout s, default 3600] [poll interval s, default 15]
set -euo pipefail
arn=${1:?usage: wait-for-execution.sh <execution ARN> [timeout s] [interval s]}
timeout=${2:-3600}
interval=${3:-15}
deadline=$((SECONDS + timeout))
while :; do
  status=$(aws stepfunctions describe-execution --execution-arn "$arn" --query status --output text)
  case "$status" in
    SUCCEEDED)
      echo "$arn: SUCCEEDED"
      exit 0
      ;;
    FAILED | TIMED_OUT | ABORTED)
      echo "$arn: $status" >&2
      aws stepfunctions describe-execution --execution-arn "$arn" --query '{error: error, cause: cause}' --output json >&2 || true
      exit 1
      ;;
    RUNNING | PENDING_REDRIVE) ;;
    *)
      echo "$arn: unknown status '$status'" >&2
      exit 1
      ;;
  esac
  if ((SECONDS >= deadline)); then
    echo "$arn: still $status after ${timeout}s" >&2
    exit 1
  fi
  echo "$arn: $status"
  sleep "$interval"
done
