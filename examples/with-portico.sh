#!/bin/sh
# Runs an example host next to a demo Portico of its own: starts bin/portico
# on a throwaway data folder with the demo catalog and customers, waits
# until it listens, runs the host command with PORTICO_URL and
# PORTICO_SECRET_KEY set, and stops Portico when the host stops (Ctrl-C
# stops both).
#
#   examples/with-portico.sh HOST_ORIGIN COMMAND...
#
# HOST_ORIGIN is where the host page is served; Portico lets it frame the
# embed pages and call the portal API.
#
# Portico listens on a free loopback port unless PORTICO_ADDR says
# otherwise, so an example runs beside `make run` (which keeps :8080) and
# beside the other example. When Portico cannot start, or the host stops
# with an error, this says so and exits with an error: the host never
# talks to another Portico that happens to listen where it expected its own.
set -eu
host_origin=$1
shift

PORTICO_ADDR=${PORTICO_ADDR:-127.0.0.1:0}
PORTICO_SECRET_KEY=${PORTICO_SECRET_KEY:-sk_example_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}
data=$(mktemp -d)
log=$data/portico.log

# fail says why Portico did not start, with the end of its log, and exits.
fail() {
	echo "$0: $1. The end of its log:" >&2
	tail -n 20 "$log" >&2
	exit 1
}

PORTICO_ADDR=$PORTICO_ADDR PORTICO_DATA=$data PORTICO_DEMO=1 PORTICO_SECRET_KEY=$PORTICO_SECRET_KEY \
	PORTICO_EMBED_ORIGINS=$host_origin PORTICO_CORS_ORIGINS=$host_origin \
	./bin/portico serve >"$log" 2>&1 &
portico=$!
trap 'kill $portico 2>/dev/null; wait $portico 2>/dev/null; rm -rf "$data"' EXIT
trap 'exit 130' INT TERM

# The server's first line says where it listens.
PORTICO_URL=
tries=0
while [ -z "$PORTICO_URL" ]; do
	if ! kill -0 "$portico" 2>/dev/null; then
		fail "Portico could not start on $PORTICO_ADDR"
	fi
	tries=$((tries + 1))
	if [ "$tries" -gt 600 ]; then
		fail "Portico did not start listening within a minute"
	fi
	sleep 0.1
	PORTICO_URL=$(sed -n 's/^Portico is listening on \([^ ]*\).*/\1/p' "$log")
done
export PORTICO_URL PORTICO_SECRET_KEY
echo "Portico (demo data) is listening on $PORTICO_URL; its log is $log"

status=0
"$@" || status=$?
# 130 and 143: stopped by Ctrl-C or a signal, as asked.
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
	echo "$0: the example stopped with an error (exit status $status): see above" >&2
	exit "$status"
fi
