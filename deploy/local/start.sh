#!/usr/bin/env bash
# Starts a 3-node Lattice cluster on this machine, on loopback:
#   seed    both roles, hosts the shared journal (H2 TCP server)  remoting 2552, API 8080
#   orch    orchestrator member (runs, dispatchers, HTTP API)      remoting 2553, API 8081
#   worker  worker member (agents only, no API)                    remoting 2554
# Each node's data, log and process id live under $LATTICE_LOCAL_DIR (default deploy/local/run).
# Ports can be moved with LATTICE_LOCAL_PORT_BASE (remoting BASE..BASE+2, API 8080-style ports
# from LATTICE_LOCAL_HTTP_BASE, journal LATTICE_LOCAL_JOURNAL_PORT). LATTICE_COMMAND replaces the
# ./lattice launcher (for example a java command line). Stop with deploy/local/stop.sh.
#
# Everything between the nodes and to the APIs is encrypted (docs/security.md): remoting over TLS
# with mutual authentication, the journal server over TLS (jdbc:h2:ssl:), the APIs over HTTPS.
# The first start makes a development authority and a certificate the nodes share under
# $LATTICE_LOCAL_DIR/tls (deploy/tls/make-dev-certs.sh, keytool); clients trust tls/ca.pem.
# LATTICE_LOCAL_TLS=off starts the cluster in the clear instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${LATTICE_LOCAL_DIR:-$here/run}"
remote_base="${LATTICE_LOCAL_PORT_BASE:-2552}"
http_base="${LATTICE_LOCAL_HTTP_BASE:-8080}"
journal_port="${LATTICE_LOCAL_JOURNAL_PORT:-9092}"
# Loopback: each API answers to 127.0.0.1 and localhost with its own port, the names clients here
# use, and to no other (lattice.http.allowed-hosts; see docs/operations.md).
host=127.0.0.1

tls="${LATTICE_LOCAL_TLS:-on}"
scheme=http
journal_scheme=tcp
tls_options=()

mkdir -p "$dir"
for name in seed orch worker; do
  if [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null; then
    echo "start.sh: $name is already running (pid $(cat "$dir/$name.pid")); run stop.sh first" >&2
    exit 1
  fi
done

# shellcheck disable=SC2206 # a command line, split into words on purpose
lattice=(${LATTICE_COMMAND:-$root/lattice})
# Builds the jar if needed, once, before any node starts.
"${lattice[@]}" --version >/dev/null

if [ "$tls" != off ]; then
  certs="$dir/tls"
  # One certificate for the three nodes: they run on one machine, as one user. Give each node of a
  # real cluster its own.
  "$root/deploy/tls/make-dev-certs.sh" "$certs" node >/dev/null
  tls_options=(--cluster-key-store "$certs/node.p12" --cluster-trust-store "$certs/truststore.p12"
    --cluster-password-file "$certs/password")
  # The APIs' HTTPS key (lattice.http.tls), read by every node started below.
  export LATTICE_HTTP_TLS_KEY_STORE="$certs/node.p12"
  export LATTICE_HTTP_TLS_KEY_STORE_PASSWORD_FILE="$certs/password"
  scheme=https
  journal_scheme=ssl
fi

# Starts node NAME with the lattice command's ARGS; waits until it says it is up.
start() {
  local name="$1"
  shift
  LATTICE_NODE_NAME="$name" nohup "${lattice[@]}" "$@" >"$dir/$name.log" 2>&1 &
  echo $! >"$dir/$name.pid"
  local waited=0
  until grep -q "^lattice is up" "$dir/$name.log"; do
    if ! kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null; then
      echo "start.sh: $name did not start; its log, $dir/$name.log, ends with:" >&2
      tail -n 20 "$dir/$name.log" >&2
      exit 1
    fi
    if [ "$waited" -ge 180 ]; then
      echo "start.sh: $name did not come up within 90 s; see $dir/$name.log" >&2
      exit 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  grep "^lattice is up" "$dir/$name.log" | sed "s/^lattice is up: /$name: /"
}

start seed seed --remote "$host:$remote_base" --http "$host:$http_base" \
  --data "$dir/seed" --journal-server "$journal_port" ${tls_options[@]+"${tls_options[@]}"}
journal="jdbc:h2:$journal_scheme://$host:$journal_port/lattice"
# Members connect as the journal's member user, with the password the seed generated into its
# data directory (owner-only); a file, so that the password is on no command line.
journal_access=(--journal "$journal" --journal-user lattice
  --journal-password-file "$dir/seed/journal-member.password" ${tls_options[@]+"${tls_options[@]}"})
# Every node signs the heads of the audit chains with the key the seed generated (owner-only),
# so that any node's API verifies what any other signed (docs/security.md).
export LATTICE_AUDIT_SIGNING_KEY_FILE="$dir/seed/audit-signing-key.jwk"
start orch join --seed "$host:$remote_base" "${journal_access[@]}" --roles orchestrator \
  --remote "$host:$((remote_base + 1))" --http "$host:$((http_base + 1))" --data "$dir/orch"
start worker join --seed "$host:$remote_base" "${journal_access[@]}" --roles worker \
  --remote "$host:$((remote_base + 2))" --data "$dir/worker"

echo "journal: $journal (hosted by seed)"
key="-H \"Authorization: Bearer \$(cat $dir/seed/admin.key)\""
if [ "$tls" != off ]; then
  echo "try: curl -s --cacert $certs/ca.pem $key $scheme://$host:$http_base/api/v1/state"
  echo "     LATTICE_CA_CERT=$certs/ca.pem LATTICE_DATA=$dir/seed $root/lattice state --server $scheme://$host:$http_base"
else
  echo "try: curl -s $key $scheme://$host:$http_base/api/v1/state"
fi
echo "stop: $here/stop.sh"
