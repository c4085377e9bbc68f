#!/usr/bin/env bash
# Prepare this host for faultline runs: Docker engine (Debian's docker.io), iptables,
# nsenter, libfaketime and etcd (Debian's etcd-server 3.4, the second system under test,
# whose binary goes into its offline image); start dockerd if no engine answers. Idempotent; needs root.
# Also Debian's chromium: the tests drive the dashboard and the report pages in it
# (through playwright-core, whose own browser downloads cannot work offline).
# And FUSE 3 with its headers, gcc and pkg-config: the power-cut layer (nemesis/native/lazyfs.c,
# built by npm run build).
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || need+=(libfaketime)
[ -x /usr/bin/etcd ] || need+=(etcd-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v fusermount3 >/dev/null 2>&1 || need+=(fuse3)
[ -e /usr/include/fuse3/fuse.h ] || need+=(libfuse3-dev)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
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
