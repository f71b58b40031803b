#!/usr/bin/env bash
# A release is one artifact: the function code `serverless package` wrote for each stage must be
# byte for byte the same (only the stages' CloudFormation templates differ). Compares the zips of
# the first package folder (names and sha256) with those of every other; exit 1 on any difference,
# or on a folder without a zip.
#
#   scripts/ci/same-artifact.sh .artifacts/staging .artifacts/prod .artifacts/dr
set -euo pipefail
[ $# -ge 2 ] || {
  echo "usage: same-artifact.sh <package folder> <package folder>..." >&2
  exit 2
}
sums() {
  local zips
  zips=$(cd "$1" && find . -maxdepth 1 -name '*.zip' -printf '%f\n' | sort)
  [ -n "$zips" ] || {
    echo "$1 holds no function zip" >&2
    return 1
  }
  (cd "$1" && echo "$zips" | xargs sha256sum)
}
first=$(sums "$1")
for dir in "${@:2}"; do
  other=$(sums "$dir")
  if [ "$other" != "$first" ]; then
    echo "the function code of $dir is not that of $1:" >&2
    diff <(echo "$first") <(echo "$other") >&2 || true
    exit 1
  fi
done
echo "one artifact for $*:"
echo "$first"
