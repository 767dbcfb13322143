#!/bin/bash
# Install the Debian 12 packages dcovpn needs to build, test and run its demo,
# but only those that are missing (so it is fast and needs no root when
# everything is there).
set -euo pipefail

PKGS=(
	build-essential pkg-config        # toolchain, make
	libssl-dev libmnl-dev             # OpenSSL 3 (AEAD, TLS), libmnl (netlink)
	libcap-dev                        # user/group: keep CAP_NET_ADMIN only
	libsystemd-dev                    # sd_notify for Type=notify units
	libcmocka-dev                     # unit tests
	clang libclang-rt-dev             # fuzz targets (libFuzzer), sanitizers
	iproute2 iputils-ping             # namespaces, veth, ping
	iperf3                            # demo throughput
	openvpn                           # interop reference
	python3                           # test helpers (transfer, packet injection)
	procps                            # kill, ps in scripts
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing missing packages: ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
