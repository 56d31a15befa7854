#!/usr/bin/env bash
# Publishes samples/Quickstart as a native AOT executable and runs it against its embedded emulator.
# Fails on any warning of the publish (trim and AOT warnings are errors there as well), on a failed
# run, or on output other than the sample's expected lines.
#
#   eng/quickstart-aot.sh [OUTPUT_DIR]     (default: artifacts/quickstart-aot)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts/quickstart-aot}
rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)
rid=${rid:-linux-x64}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

rm -rf "$out"
start=$SECONDS
dotnet publish samples/Quickstart -c Release -r "$rid" -p:PublishAot=true -o "$out" >"$log" 2>&1
status=$?
publish_seconds=$((SECONDS - start))
warnings=$(grep -E ': (warning|error) [A-Z]+[0-9]+' "$log" | sort -u)
if [ $status -ne 0 ] || [ -n "$warnings" ]; then
  cat "$log"
  echo "quickstart-aot: publish failed (exit $status) or warned:"
  echo "$warnings"
  exit 1
fi

binary="$out/Quickstart"
size=$(stat -c %s "$binary")
start=$SECONDS
output=$(env -u BITRIX_WEBHOOK timeout 60 "$binary" 2>&1)
status=$?
echo "$output"
if [ $status -ne 0 ] \
  || ! grep -qE '^list: +first #[0-9]+ ' <<<"$output" \
  || ! grep -qE '^list: +[0-9]+ deals of 5,000 or more$' <<<"$output" \
  || ! grep -qE '^get: +#[0-9]+ "Quickstart deal" 1234\.50 EUR, stage WON$' <<<"$output" \
  || ! grep -qE '^bulk: +120 added, 120 updated$' <<<"$output" \
  || ! grep -qE '^delete: +121 deleted$' <<<"$output"; then
  echo "quickstart-aot: the native binary failed (exit $status) or printed something else"
  exit 1
fi
echo "quickstart-aot: $rid native binary $((size / 1024 / 1024)) MiB, published in ${publish_seconds} s with 0 warnings, ran in $((SECONDS - start)) s"
