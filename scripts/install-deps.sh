#!/bin/bash
# Install the Debian 12 packages dcovpn needs to build, test and run its demo,
# but only those that are missing (so it is fast and needs no root when
# everything is there).
set -euo pipefail

PKGS=(
	build-essential pkg-config        # toolchain, make
	libssl-dev libmnl-dev             # OpenSSL 3 (AEAD, TLS), libmnl (netlink)
	libcap-dev                        # user/group: keep CAP_NET_ADMIN only
	libipsec-mb-dev                   # intel-ipsec-mb: fast AES-GCM backend
	libseccomp-dev                    # seccomp allow-lists (base/sandbox.c)
	liburcu-dev                       # RCU: the engine's lock-free peer tables
	libsystemd-dev                    # sd_notify for Type=notify units
	libcmocka-dev                     # unit tests
	clang libclang-rt-dev             # fuzz targets (libFuzzer), sanitizers
	iproute2 iputils-ping             # namespaces, veth, ping
	iperf3                            # demo throughput
	openvpn                           # interop reference, its plugins
	openvpn-auth-ldap openvpn-auth-radius   # plugins the interop tests load
	python3                           # test helpers (transfer, packet injection)
	python3-cryptography              # management-external-key signer (interop)
	golang-go golang-github-apparentlymart-go-openvpn-mgmt-dev  # a Go manager (*_mgmt_go tests)
	procps                            # kill, ps in scripts
	dbus-daemon python3-dbus libnm0   # NetworkManager plugin test (below)
	python3-gi                        # its helpers use GLib's main loop (python3-dbus only
	                                  # recommends it: not installed here)
	systemd man-db groff-base         # check the units and man page
	debhelper dpkg-dev lintian        # make deb
)
# NetworkManager's openvpn plugin helper, unpacked, not installed: installing
# network-manager-openvpn would pull in and start NetworkManager itself.
NM_OVPN_DIR=/var/cache/dcovpn/nm-openvpn
NM_OVPN_HELPER=usr/lib/NetworkManager/nm-openvpn-service-openvpn-helper

nm_helper_unpack() {
	local tmp
	[ -x "$NM_OVPN_DIR/$NM_OVPN_HELPER" ] && return 0
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download network-manager-openvpn) &&
		$SUDO mkdir -p "$NM_OVPN_DIR" &&
		$SUDO dpkg-deb -x "$tmp"/network-manager-openvpn_*.deb "$NM_OVPN_DIR"
	rm -rf "$tmp"
}

# systemd-resolved for the --dns test, unpacked, not installed: installing
# it would take over this machine's /etc/resolv.conf. Its binary runs on the
# installed systemd's libsystemd-shared (same Debian 12 version).
RESOLVED_DIR=/var/cache/dcovpn/systemd-resolved

# Debian's openvpn-systemd-resolved (its update-systemd-resolved script) the
# same way: installed, it would pull in libnss-resolve, which edits
# /etc/nsswitch.conf.
resolved_unpack() {
	local tmp
	[ -x "$RESOLVED_DIR/lib/systemd/systemd-resolved" ] &&
		[ -x "$RESOLVED_DIR/etc/openvpn/update-systemd-resolved" ] && return 0
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download systemd-resolved openvpn-systemd-resolved) &&
		$SUDO mkdir -p "$RESOLVED_DIR" &&
		$SUDO dpkg-deb -x "$tmp"/systemd-resolved_*.deb "$RESOLVED_DIR" &&
		$SUDO dpkg-deb -x "$tmp"/openvpn-systemd-resolved_*.deb "$RESOLVED_DIR"
	rm -rf "$tmp"
}

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing missing packages: ${missing[*]}"
	[ -z "$SUDO" ] || command -v sudo >/dev/null ||
		{ echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update
	$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
nm_helper_unpack || echo "install-deps: cannot unpack network-manager-openvpn" >&2
resolved_unpack || echo "install-deps: cannot unpack systemd-resolved" >&2
