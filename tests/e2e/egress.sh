#!/usr/bin/env bash
# Reads an `strace -f -e trace=connect,sendto,sendmsg` log and fails on any call that reaches
# an Internet address other than loopback, or a DNS port (53) anywhere: a name looked up through
# a local resolver would leave the machine too. Unix and netlink sockets are local.
set -euo pipefail
log=${1:?usage: egress.sh STRACE_LOG}
[ -s "$log" ] || { echo "egress: $log is empty: strace saw nothing, so it proves nothing" >&2; exit 1; }
calls=$(grep -cE '(connect|sendto|sendmsg|sendmmsg)\(' "$log" || true)
inet=$(grep -E '(connect|sendto|sendmsg|sendmmsg)\(' "$log" | grep -E 'sa_family=AF_INET6?[,}]' || true)
bad=$(printf '%s\n' "$inet" | grep -vE 'inet_addr\("127\.|inet_pton\(AF_INET6, "::1"|inet_pton\(AF_INET6, "::ffff:127\.' | grep -v '^$' || true)
dns=$(printf '%s\n' "$inet" | grep -E 'htons\(53\)' || true)
if [ -n "$bad$dns" ]; then
  echo "egress: the app reached the network:" >&2
  printf '%s\n%s\n' "$bad" "$dns" | grep -v '^$' | head -20 >&2
  exit 1
fi
loopback=$(printf '%s\n' "$inet" | grep -c . || true)
echo "egress: no call left the machine ($calls socket calls traced; $loopback to loopback, the test driver's)"
