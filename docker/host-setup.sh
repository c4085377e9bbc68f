#!/usr/bin/env bash
# Prepare this host for faultline runs: Docker engine (Debian's docker.io), iptables,
# nsenter, libfaketime, tc (iproute2), and gcc with libnetfilter-queue-dev for the packet
# queue of the delay/duplicate/reorder faults (nemesis/native/, compiled by npm run build);
# start dockerd if no engine answers. Idempotent; needs root.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || need+=(libfaketime)
command -v tc >/dev/null 2>&1 || need+=(iproute2)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -e /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || need+=(libnetfilter-queue-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "[host-setup] installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/tmp/faultline-apt.log 2>&1 \
    || { tail -20 /tmp/faultline-apt.log >&2; exit 1; }
fi

if ! docker info >/dev/null 2>&1; then
  echo "[host-setup] starting dockerd (log: /var/log/dockerd.log)" >&2
  (setsid dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "[host-setup] dockerd did not start" >&2; tail -30 /var/log/dockerd.log >&2; exit 1; }
fi
echo "[host-setup] docker $(docker version --format '{{.Server.Version}}') ready" >&2
