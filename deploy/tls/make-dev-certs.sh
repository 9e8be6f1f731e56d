#!/usr/bin/env bash
# Makes a development certificate authority and node certificates for Lattice's TLS, with the
# JDK's keytool only (docs/security.md, "Encryption in transit"):
#
#   deploy/tls/make-dev-certs.sh [--pem] DIR [NODE ...]        (default node: "node")
#
# Writes into DIR (created owner-only; existing files are kept, so it can run again to add nodes):
#   password        the password of every key store below (random, owner-only)
#   ca.p12          the authority's private key: keep it private; it signs more node certificates
#   ca.pem          the authority's certificate: what clients trust (--ca-cert, LATTICE_CA_CERT,
#                   curl --cacert)
#   truststore.p12  the same certificate as a key store: lattice.cluster.tls.trust-store
#   NODE.p12        each node's private key and certificate chain, for both remoting
#                   (lattice.cluster.tls.key-store) and HTTPS (lattice.http.tls.key-store)
#   NODE.crt, .key  with --pem (needs openssl): the same chain and key as PEM files, for servers
#                   that read PEM (PostgreSQL; lattice.http.tls.certificate and private-key)
#
# Node certificates name the hosts of LATTICE_CERT_SANS (keytool's san syntax, default
# dns:localhost,ip:127.0.0.1): HTTPS clients check the name they connect to against them.
# KEYTOOL names keytool if it is not on the PATH. For production, use your own authority (or
# cert-manager on Kubernetes) instead: this one's key sits in a file next to the others.
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
pem=off
if [ "$1" = --pem ]; then
  pem=on
  shift
fi
dir="$1"
shift
nodes=("$@")
[ ${#nodes[@]} -gt 0 ] || nodes=(node)
keytool="${KEYTOOL:-keytool}"
sans="${LATTICE_CERT_SANS:-dns:localhost,ip:127.0.0.1}"
# Two years: long enough for development, short enough to be replaced.
days=730

umask 077
mkdir -p "$dir"
if [ ! -f "$dir/password" ]; then
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password"
fi
password="$(cat "$dir/password")"

# Passwords reach keytool through the environment, never its command line.
export LATTICE_STORE_PASSWORD="$password"
kt() {
  "$keytool" "$@" -storepass:env LATTICE_STORE_PASSWORD -storetype PKCS12 >/dev/null 2>&1 ||
    {
      echo "make-dev-certs.sh: keytool $1 failed; again with its output:" >&2
      "$keytool" "$@" -storepass:env LATTICE_STORE_PASSWORD -storetype PKCS12 >&2
      exit 1
    }
}

if [ ! -f "$dir/ca.p12" ]; then
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -validity "$days" \
    -dname "CN=Lattice development CA" -ext bc:c -ext ku:c=keyCertSign,cRLSign \
    -keystore "$dir/ca.p12"
  kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -file "$dir/ca.pem"
  kt -importcert -noprompt -alias ca -file "$dir/ca.pem" -keystore "$dir/truststore.p12"
  echo "authority: $dir/ca.pem (its key: $dir/ca.p12)"
fi

for node in "${nodes[@]}"; do
  store="$dir/$node.p12"
  if [ -f "$store" ]; then
    echo "$node: $store exists, kept"
    continue
  fi
  kt -genkeypair -alias "$node" -keyalg EC -groupname secp256r1 -validity "$days" \
    -dname "CN=$node" -keystore "$store"
  kt -certreq -alias "$node" -keystore "$store" -file "$dir/$node.csr"
  kt -gencert -alias ca -keystore "$dir/ca.p12" -infile "$dir/$node.csr" \
    -outfile "$dir/$node.crt" -rfc -validity "$days" -ext "san=$sans" \
    -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth
  # The reply is accepted once the authority it chains to is in the store.
  kt -importcert -noprompt -alias ca -file "$dir/ca.pem" -keystore "$store"
  kt -importcert -alias "$node" -file "$dir/$node.crt" -keystore "$store"
  rm -f "$dir/$node.csr" "$dir/$node.crt"
  echo "$node: $store ($sans)"
  if [ "$pem" = on ]; then
    # The chain: the node's certificate, then the authority's.
    kt -exportcert -rfc -alias "$node" -keystore "$store" -file "$dir/$node.crt"
    cat "$dir/ca.pem" >>"$dir/$node.crt"
    # Unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), owner-only like every file here.
    openssl pkcs12 -in "$store" -passin env:LATTICE_STORE_PASSWORD -nocerts -nodes |
      openssl pkey -out "$dir/$node.key"
    echo "$node: $dir/$node.crt, $dir/$node.key"
  fi
done
