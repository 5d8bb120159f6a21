#!/bin/sh
# Runs an example host next to a demo Portico: starts bin/portico on a
# throwaway data folder with the demo catalog and customers, runs the host
# command with PORTICO_URL and PORTICO_SECRET_KEY set (the host waits until
# Portico answers), and stops Portico when the host stops (Ctrl-C stops
# both).
#
#   examples/with-portico.sh HOST_ORIGIN COMMAND...
#
# HOST_ORIGIN is where the host page is served; Portico lets it frame the
# embed pages and call the portal API.
set -eu
host_origin=$1
shift

PORTICO_ADDR=${PORTICO_ADDR:-127.0.0.1:8080}
PORTICO_URL=${PORTICO_URL:-http://$PORTICO_ADDR}
PORTICO_SECRET_KEY=${PORTICO_SECRET_KEY:-sk_example_$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}
data=$(mktemp -d)
export PORTICO_URL PORTICO_SECRET_KEY

PORTICO_ADDR=$PORTICO_ADDR PORTICO_DATA=$data PORTICO_DEMO=1 \
	PORTICO_EMBED_ORIGINS=$host_origin PORTICO_CORS_ORIGINS=$host_origin \
	./bin/portico serve >"$data/portico.log" 2>&1 &
portico=$!
trap 'kill $portico 2>/dev/null; wait $portico 2>/dev/null; rm -rf "$data"' EXIT INT TERM

echo "Starting Portico (demo data) on $PORTICO_URL, log in $data/portico.log"
"$@"
