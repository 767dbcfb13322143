#!/bin/sh
# Install what bench/run.sh needs, Debian packages only, skipping what is
# already there. Run as root. Safe to run again.
set -eu

pkgs="openvpn iperf3 wireguard-go wireguard-tools gnuplot-nox openssl iproute2 iputils-ping procps python3"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "bench/install-deps.sh: need root to install:$missing" >&2
	exit 1
fi
echo "bench: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; update once, then install.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
