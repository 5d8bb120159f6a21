#!/bin/sh
# Runs each fuzz target for FUZZTIME (go test -fuzz takes one target per
# package at a time). Exits non-zero on the first failure; a failing input
# is written under the package's testdata/fuzz/ and then runs with the
# regular tests.
#
#   tools/fuzz.sh            each target for FUZZTIME (default 4s)
#   FUZZTIME=2m tools/fuzz.sh
set -eu

GO=${GO:-go}
FUZZTIME=${FUZZTIME:-4s}
# Minimizing each new input can take the whole run; keep it short.
MINIMIZE=${FUZZMINIMIZETIME:-2s}

TARGETS="
./server/catalog:FuzzCatalog
./server:FuzzAPI
./server/session:FuzzVerify
./server/session:FuzzMint
./server/htmlattr:FuzzAttributeValuesStayValues
./theme:FuzzParse
./server/billing/stripe:FuzzWebhook
"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
for t in $TARGETS; do
	pkg=${t%%:*}
	name=${t#*:}
	echo "fuzz: $pkg $name for $FUZZTIME"
	for try in 1 2; do
		if $GO test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$MINIMIZE" "$pkg" > "$log" 2>&1; then
			break
		fi
		# The fuzzing engine itself sometimes reports "context deadline
		# exceeded" when the time runs out during an execution, with no
		# failing input: that run found nothing, so it runs once more. A
		# real failure writes its input under testdata/fuzz and fails.
		if [ "$try" = 1 ] && grep -q "context deadline exceeded" "$log" && ! grep -q "Failing input written" "$log"; then
			echo "fuzz: $pkg $name: the run ended in the engine's deadline error, without a failing input; once more"
			continue
		fi
		cat "$log"
		echo "fuzz: $pkg $name FAILED" >&2
		exit 1
	done
	tail -n 1 "$log"
done
echo "fuzz: all targets passed in $(($(date +%s) - start))s"
