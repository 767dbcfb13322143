# The Go management client (tests/interop/gomgmt.go, on Debian's
# go-openvpn-mgmt library), for the *_mgmt_go.sh cases; sourced after
# server_lib.bash. gomgmt_build: build it into $T/gomgmt, offline, with the
# build cache in $T (about a second: the standard library comes prebuilt).
# Without golang-go the case is skipped (exit 77: tests/run says SKIP);
# scripts/install-deps.sh installs it and the library.
GOMGMT_LIB=/usr/share/gocode/src/github.com/apparentlymart/go-openvpn-mgmt
GO=${GO:-go}    # the Go tool (another path: to try the skip, GO=none)

gomgmt_build() {
	if ! command -v "$GO" >/dev/null; then
		echo "SKIP: $CASE: golang-go is not installed (scripts/install-deps.sh installs it)"
		exit 77
	fi
	[ -d "$GOMGMT_LIB/openvpn" ] ||
		fail "$GOMGMT_LIB missing: install golang-github-apparentlymart-go-openvpn-mgmt-dev"
	(cd "$LIB_DIR" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= \
		GOPROXY=off GOCACHE="$T/gocache" HOME="$T" \
		"$GO" build -o "$T/gomgmt" gomgmt.go) >"$T/gobuild.log" 2>&1 ||
		{ cat "$T/gobuild.log"; fail "go build gomgmt.go"; }
}

# gomgmt_compare NAME: the library's view of openvpn ($T/openvpn-NAME.go)
# and of dcovpn ($T/dcovpn-NAME.go) must be the same.
gomgmt_compare() {
	diff -u "$T/openvpn-$1.go" "$T/dcovpn-$1.go" >"$T/diff-$1" || {
		cat "$T/diff-$1"
		fail "$1: go-openvpn-mgmt parsed different answers or events (openvpn ---, dcovpn +++)"
	}
	log "$1: $(wc -l <"$T/dcovpn-$1.go") answers and events, as go-openvpn-mgmt parsed them, identical to openvpn's"
}

# pinger: pings the server through the tunnel (once it is up, for 40 s at
# most) so that both daemons have traffic to count: openvpn reports byte
# counts only when its event loop wakes. In BG_PIDS; stop it with stop_pid.
pinger() {
	in_c 1 timeout 40 sh -c "until ping -c1 -W1 $TUN4_S; do sleep 0.2; done
		ping -c 200 -i 0.2 $TUN4_S" >/dev/null 2>&1 &
	BG_PIDS+=($!)
}
