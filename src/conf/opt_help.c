/*
 * One line of help per option, for --help and the README's option table.
 * Only words live here: which options exist, their arity and whether they
 * are refused or ignored come from the option table (optable.c), so an
 * option missing below is still listed, with a synopsis made from its
 * arity. tests/unit/test_opt_info.c checks that every name below is in the
 * table.
 */
#include <string.h>

#include "conf/opt_help.h"

static const struct opt_help help[] = {
	/* mode and includes */
	{ "config", "file", "Read options from file (nested up to 10 deep)." },
	{ "client", NULL, "Client mode: --pull and --tls-client." },
	{ "pull", NULL, "Accept options pushed by the server." },
	{ "tls-client", NULL, "Take the TLS client role." },
	{ "tls-server", NULL, "Take the TLS server role." },
	{ "cd", "dir", "Change to dir now; later relative paths start there." },
	/* device */
	{ "dev", "tunX|tun|tapX|tap", "The tun or tap device (tun, tap: the "
	  "kernel picks a number). A tap carries Ethernet frames whole; a "
	  "server switches them by the MACs it learns from each client "
	  "(at most 256 per client, forgotten after 300 s unseen)." },
	{ "dev-type", "tun|tap", "Device type when --dev does not say it." },
	{ "dev-node", "node", "The tun control node (default /dev/net/tun)." },
	{ "txqueuelen", "n", "Transmit queue length of the tun device." },
	{ "topology", "t", "subnet, net30 or p2p addressing of the tun." },
	{ "tun-mtu", "n [occ]", "MTU of the tun device (default 1500)." },
	{ "mssfix", "[n] [mtu|fixed]", "Clamp TCP MSS to fit n bytes." },
	/* transport */
	{ "proto", "p", "udp, tcp-client, tcp-server (4/6 suffix: family)." },
	{ "remote", "host [port] [proto]", "A server to connect to; repeat "
	  "for a list." },
	{ "remote-random", NULL, "Try the --remote list in random order." },
	{ "port", "n", "Local and remote port (default 1194)." },
	{ "lport", "n", "Local port." },
	{ "rport", "n", "Remote port." },
	{ "local", "host|* [port] [proto]", "Local address to bind; a server "
	  "may list several sockets (UDP, TCP, IPv4, IPv6)." },
	{ "nobind", NULL, "Do not bind a local port." },
	{ "bind", "[ipv6only]", "Bind the local address and port." },
	{ "float", NULL, "Accept authenticated packets from a new address." },
	{ "resolv-retry", "n|infinite", "Retry name resolution for n seconds." },
	{ "connect-retry", "n [max]", "Seconds between attempts, backing off "
	  "to max." },
	{ "connect-retry-max", "n", "Give up after n attempts per remote." },
	{ "connect-timeout", "n", "Seconds to wait for a TCP connect." },
	{ "server-poll-timeout", "n", "Seconds to wait for a server's reply "
	  "before the next remote." },
	{ "sndbuf", "n", "Socket send buffer size." },
	{ "rcvbuf", "n", "Socket receive buffer size." },
	{ "fast-io", NULL, "Accepted: writes are always non-blocking." },
	{ "aead-backend", "auto|openssl|ipsec-mb", "dcovpn only: the AEAD on "
	  "intel-ipsec-mb or OpenSSL (auto: ipsec-mb if the CPU has AES-NI and "
	  "AVX2)." },
	{ "persist-key", NULL, "Keep keys across SIGUSR1 restarts." },
	{ "persist-tun", NULL, "Keep the tun device across restarts." },
	{ "connection", "<block>", "A connection profile (inline block)." },
	/* TLS */
	{ "ca", "file", "CA certificates that sign the peer's certificate." },
	{ "cert", "file", "Our certificate." },
	{ "key", "file", "Our private key." },
	{ "extra-certs", "file", "Intermediate certificates to send." },
	{ "crl-verify", "file [dir]", "Reject certificates this CRL revokes." },
	{ "tls-auth", "file [dir]", "HMAC on control packets." },
	{ "secret", "file [dir]", "Static key mode: P2P, no TLS, CBC + HMAC." },
	{ "tls-crypt", "file", "Encrypt and authenticate control packets." },
	{ "tls-crypt-v2", "file [force-cookie]", "Per-client tls-crypt keys." },
	{ "key-direction", "0|1", "Direction of the --tls-auth key." },
	{ "remote-cert-tls", "client|server", "Require the peer's key usage." },
	{ "verify-x509-name", "name [type]", "Require the peer's subject "
	  "name." },
	{ "remote-cert-ku", "[hex ...]", "Require key usage values." },
	{ "remote-cert-eku", "oid", "Require an extended key usage." },
	{ "x509-username-field", "field ...", "Certificate field used as the "
	  "common name." },
	{ "tls-version-min", "v [or-highest]", "Lowest TLS version." },
	{ "tls-version-max", "v", "Highest TLS version." },
	{ "tls-cipher", "list", "TLS 1.2 cipher list." },
	{ "tls-ciphersuites", "list", "TLS 1.3 cipher suites." },
	{ "tls-groups", "list", "Key exchange groups, in order." },
	{ "tls-cert-profile", "legacy|insecure|preferred|suiteb", "What "
	  "certificates (ours and the peer's chain) and TLS may use, as "
	  "OpenVPN 2.6's OpenSSL security levels: legacy (default) 1: keys of "
	  ">= 1024 bits, no SHA1 signatures; insecure 0: anything; preferred "
	  "2: >= 2048 bits; suiteb 3: and Suite B (ECDSA P-256/P-384, "
	  "ECDHE-ECDSA AES-GCM)." },
	{ "ecdh-curve", "name", "Same as --tls-groups." },
	{ "peer-fingerprint", "sha256", "Accept the peer by its certificate's "
	  "fingerprint." },
	{ "verify-hash", "hash [SHA1|SHA256]", "Accept only a peer whose CA "
	  "(depth 1) has this fingerprint (deprecated by OpenVPN)." },
	{ "pkcs12", "file", "Certificate, key and CAs from a PKCS#12 file "
	  "(password from --askpass)." },
	{ "capath", "dir", "Trust the CAs (and check the CRLs) of a hashed "
	  "directory." },
	{ "tls-verify", "cmd", "Run cmd for each certificate of the peer's "
	  "chain (depth subject); non-zero refuses it. Runs without "
	  "blocking the event loop." },
	{ "tls-export-cert", "dir", "Each tls-verify run (client and server) "
	  "gets the certificate as a PEM file there (peer_cert), removed "
	  "after the run." },
	{ "reneg-sec", "n [max]", "Renegotiate data keys every n seconds." },
	{ "reneg-bytes", "n", "Renegotiate after n bytes." },
	{ "reneg-pkts", "n", "Renegotiate after n packets." },
	{ "hand-window", "n", "Seconds a TLS handshake may take." },
	{ "tran-window", "n", "Seconds an old key stays usable." },
	{ "tls-timeout", "n", "Control packet retransmit timeout." },
	{ "tls-exit", NULL, "Exit, not restart, on a TLS error." },
	/* data channel */
	{ "auth", "alg", "HMAC of CBC data ciphers and tls-auth (SHA1)." },
	{ "cipher", "alg", "Data cipher of peers without negotiation." },
	{ "data-ciphers", "list", "Data ciphers to negotiate, colon-separated." },
	{ "ncp-ciphers", "list", "Old name of --data-ciphers." },
	{ "data-ciphers-fallback", "alg", "Cipher for peers that cannot "
	  "negotiate." },
	{ "key-derivation", "tls-ekm", "Pushed: derive keys by TLS exporter." },
	{ "protocol-flags", "flag ...", "Pushed: protocol features." },
	{ "peer-id", "n", "Pushed: our peer id." },
	{ "replay-window", "n [t]", "Replay protection window." },
	{ "mute-replay-warnings", NULL, "Do not log replayed packets." },
	{ "comp-lzo", "[no]", "Compression framing only; nothing compressed." },
	{ "compress", "[stub|stub-v2]", "Compression framing only." },
	{ "allow-compression", "no|asym|yes", "What compression to accept." },
	/* user authentication */
	{ "auth-user-pass", "[file]", "Send a username and password." },
	{ "static-challenge", "text echo [fmt]", "Ask a challenge response." },
	{ "askpass", "[file]", "Passphrase of the private key." },
	{ "auth-nocache", NULL, "Forget the password after use." },
	{ "auth-retry", "none|nointeract|interact", "After AUTH_FAILED." },
	{ "auth-token", "token", "Pushed: session token." },
	{ "auth-token-user", "user", "Pushed: username for the token." },
	/* timers */
	{ "ping", "n", "Send a ping after n idle seconds." },
	{ "ping-restart", "n", "Restart after n seconds without packets." },
	{ "ping-exit", "n", "Exit after n seconds without packets." },
	{ "keepalive", "ping timeout", "--ping and --ping-restart together." },
	{ "inactive", "n [bytes]", "Exit (a server: end that client) after n "
	  "seconds with at most bytes of tunnel traffic." },
	{ "explicit-exit-notify", "[n]", "Tell the peer when exiting." },
	/* addresses and routes */
	{ "ifconfig", "local mask|remote", "Address of the tun device." },
	{ "ifconfig-ipv6", "addr/bits remote", "IPv6 address of the tun." },
	{ "route", "net [mask] [gw] [metric]", "Add a route via the tunnel." },
	{ "route-ipv6", "net/bits [gw] [metric]", "Add an IPv6 route." },
	{ "route-gateway", "gw|dhcp", "Default gateway for --route; on a tap "
	  "the next hop of every route through the tunnel." },
	{ "route-metric", "n", "Default route metric." },
	{ "redirect-gateway", "[flags]", "Send all traffic via the tunnel." },
	{ "redirect-private", "[flags]", "Like --redirect-gateway, routes "
	  "only." },
	{ "route-nopull", NULL, "Ignore pushed routes." },
	{ "block-ipv6", NULL, "Drop IPv6 sent into the tunnel." },
	{ "pull-filter", "accept|ignore|reject text", "Filter pushed options." },
	{ "dhcp-option", "type [value]", "DNS and domain settings for scripts." },
	{ "dns", "search-domains D ... | server N address|resolve-domains|dnssec|transport|sni ...",
	  "DNS servers and domains, local or pushed: set on systemd-resolved over D-Bus as 2.7's dns-updown would (not when an --up script is configured, unless --dns-updown force); dns_* script variables." },
	{ "dns-updown", "cmd|disable|force",
	  "Who applies --dns: a command run with script_type dns-up/dns-down, disable (nobody), force (also with an --up script)." },
	{ "push-continuation", "n", "Pushed: more PUSH_REPLY to come." },
	/* process, logging, scripts */
	{ "verb", "n", "Log level, 0 to 11." },
	{ "mute", "n", "Log at most n lines of one kind in a row." },
	{ "status", "file [n]", "Write a status file every n seconds." },
	{ "log", "file", "Log to file (truncated)." },
	{ "log-append", "file", "Log to file (appended)." },
	{ "suppress-timestamps", NULL, "Log lines without the date." },
	{ "allow-recursive-routing", NULL, "Send tun packets addressed to "
	  "the peer's own outer address (dropped by default, as OpenVPN)." },
	{ "ifconfig-nowarn", NULL, "No --ifconfig sanity warnings: a "
	  "netmask-like peer address, or --local/--remote inside the "
	  "--ifconfig addresses' /24 (tap: subnet), as OpenVPN 2.6." },
	{ "persist-remote-ip", NULL, "SIGUSR1 and ping-restart restarts "
	  "reconnect to the address --remote resolved to (or the peer "
	  "floated to), without resolving it again." },
	{ "persist-local-ip", NULL, "SIGUSR1 and ping-restart restarts bind "
	  "to the address --local resolved to, without resolving it again." },
	{ "multihome", NULL, "UDP server (--mode server) with several "
	  "addresses and no --local: each client is answered from the "
	  "address it sent to (IP_PKTINFO/IPV6_PKTINFO), the handshake and "
	  "the engine's data packets alike; a float moves it. Elsewhere: "
	  "ignored with a warning." },
	{ "ping-timer-rem", NULL, "Run the --ping-restart/--ping-exit timer "
	  "only while the peer's address is known (a P2P end without "
	  "--remote waits for its peer indefinitely)." },
	{ "stale-routes-check", "n [t]", "Server: every t seconds (default "
	  "n), remove the routes (client addresses, iroutes) no packet used "
	  "for n seconds, with learn-address delete, as OpenVPN 2.6 (which "
	  "ages a busy iroute too; dcovpn keeps it while used)." },
	{ "machine-readable-output", NULL, "Start every log line with "
	  "'seconds.usec flags', as OpenVPN." },
	{ "echo", "[text ...]", "A line for the management echo buffer "
	  "(>ECHO:, 'echo' command); logged if it starts with 'msg'." },
	{ "show-ciphers", NULL, "List the data channel ciphers, then exit." },
	{ "show-digests", NULL, "List the --auth digests, then exit." },
	{ "show-tls", NULL, "List the TLS suites (after --tls-cipher, "
	  "--tls-ciphersuites), then exit." },
	{ "show-groups", NULL, "List the --tls-groups names, then exit." },
	{ "show-curves", NULL, "Old name of --show-groups." },
	{ "writepid", "file", "Write the process id." },
	{ "mlock", NULL, "Keep memory out of swap." },
	{ "max-packet-size", "n", "Largest packet on the wire." },
	{ "auth-user-pass-optional", NULL, "Server: clients may omit "
	  "credentials." },
	{ "tmp-dir", "dir", "Where scripts' temporary files go." },
	{ "allow-pull-fqdn", NULL, "Let --ifconfig, --route-gateway and pushed "
	  "--route name hosts, not only addresses (without it a pushed one "
	  "with a name is refused, as OpenVPN). ifconfig and route-gateway "
	  "names are resolved when the option is read (a pushed one: when "
	  "the PUSH_REPLY arrives), route names when the route is added "
	  "(IPv4: route-ipv6 and ifconfig-ipv6 take addresses only)." },
	{ "single-session", NULL, "Point-to-point (TLS, not --mode server): "
	  "after the first session, a request for another (a restarted "
	  "peer's) is refused and logged, as OpenVPN 2.6, until a restart "
	  "(--ping-restart, SIGUSR1) lets one new session in. Without the "
	  "option dcovpn drops such a request too, silently, where OpenVPN "
	  "lets it replace the first once it authenticates. Under --mode "
	  "server it has no effect (OpenVPN applies it to each client's "
	  "instance)." },
	{ "tcp-nodelay", NULL, "Disable Nagle on TCP sockets." },
	{ "passtos", NULL, "Each packet from the tun leaves with its TOS on "
	  "the outer packet: an IPv4 packet's TOS, an IPv6 one's traffic "
	  "class (IP_TOS/IPV6_TCLASS per UDP datagram; over TCP the stream's "
	  "socket takes the latest). OpenVPN 2.6 copies only IPv4 TOS, onto "
	  "IPv4 outer packets, and keeps the last one for whatever it sends "
	  "next (pings, control packets too); dcovpn's pings and control "
	  "packets keep the socket's TOS." },
	{ "daemon", "[name]", "Run in the background." },
	{ "user", "user", "Drop to this user after setup." },
	{ "group", "group", "Drop to this group after setup." },
	{ "script-security", "0-3", "What scripts may run." },
	{ "up", "cmd", "Run after the tun is up." },
	{ "down", "cmd", "Run after the tun is closed." },
	{ "down-pre", NULL, "Run --down before closing the tun." },
	{ "route-up", "cmd", "Run after routes are added." },
	{ "setenv", "name value", "Set a variable for scripts." },
	{ "plugin", "module [args]", "Load an OpenVPN plugin (ABI v3, e.g. "
	  "auth-pam, down-root)." },
	{ "setenv-safe", "name value", "Set OPENVPN_name for scripts." },
	{ "ignore-unknown-option", "opt ...", "Do not fail on these options." },
	{ "management", "ip port|path unix [pw]", "Management interface." },
	{ "management-hold", NULL, "Wait for 'hold release' at start." },
	{ "up-delay", NULL, "Open the tun and run --up once the TLS "
	  "connection is up (what a dcovpn client always does; OpenVPN's P2P "
	  "opens it at start without this); not with --mode server." },
	{ "management-forget-disconnect", NULL, "Forget passwords and the "
	  "auth-token when the manager disconnects (asked again at the next "
	  "connection)." },
	{ "management-log-cache", "n", "Log lines kept for 'log'." },
	{ "management-client-user", "user", "Only this user's processes may "
	  "use the unix management socket." },
	{ "management-client-group", "group", "Only this group's processes "
	  "may use the unix management socket." },
	{ "route-noexec", NULL, "Add no routes: scripts get route_* (as "
	  "NetworkManager)." },
	{ "ifconfig-noexec", NULL, "Leave addresses, MTU and link of the tun "
	  "to scripts." },
	{ "chroot", "dir", "Chroot to dir once the tunnel is up." },
	{ "route-table", "id", "Add routes to routing table id (OpenVPN 2.7)." },
	{ "mark", "value", "SO_MARK of the transport sockets (policy routing)." },
	{ "bind-dev", "dev", "Bind the transport sockets to dev (a VRF)." },
	{ "mtu-disc", "no|maybe|yes", "Path MTU discovery (DF bit) on the "
	  "transport sockets." },
	{ "route-pre-down", "cmd", "Run cmd before the routes are removed." },
	{ "ipchange", "cmd", "Run cmd when the peer is authenticated (its address as "
	  "an argument)." },
	{ "up-restart", NULL, "Run --up again on restarts (context "
	  "\"restart\")." },
	{ "http-proxy", "server port [authfile|auto|auto-nct] "
	  "[none|basic|ntlm|ntlm2]", "Connect (TCP) through an HTTP proxy "
	  "with CONNECT; auto answers a 407 with Basic, Digest or NTLM (as "
	  "NTLMv2); ntlm2 is NTLMv2, and so is ntlm (as OpenVPN 2.7: NTLM v1 "
	  "is not offered)." },
	{ "http-proxy-user-pass", "file", "Username and password for the HTTP "
	  "proxy (may be inline)." },
	{ "http-proxy-option", "VERSION v|AGENT s|CUSTOM-HEADER name [value]",
	  "Shape the CONNECT request." },
	{ "socks-proxy", "server [port] [authfile]", "Connect through a SOCKS5 "
	  "proxy: TCP with CONNECT, UDP with UDP ASSOCIATE (IPv4 servers, "
	  "relayed by the event loop)." },
	{ "port-share", "host port [dir]", "TCP server: relay other "
	  "protocols on the port to host:port." },
	{ "management-query-passwords", NULL, "Ask credentials over "
	  "management." },
	{ "management-client-auth", NULL, "The manager approves each client "
	  "(>CLIENT:CONNECT)." },
	{ "management-up-down", NULL, "Report tunnel up/down (>UPDOWN)." },
	{ "management-client", NULL, "Connect out to the manager at "
	  "--management's address." },
	{ "management-external-key", "[flags]", "The manager signs for the "
	  "client's key (>PK_SIGN)." },
	{ "management-external-cert", "hint", "The manager gives the client's "
	  "certificate (>NEED-CERTIFICATE)." },
	{ "management-query-remote", NULL, "Ask the manager about each remote "
	  "(>REMOTE)." },
	{ "management-query-proxy", NULL, "Ask the manager for a proxy "
	  "(>PROXY)." },
	{ "syslog", "[name]", "Log to syslog." },
	/* server side */
	{ "server", "net mask [nopool]", "Server with an address pool." },
	{ "server-ipv6", "net/bits", "IPv6 pool of the server." },
	{ "server-bridge", "[gw mask start end | nogw]", "Server on a dev tap "
	  "the admin bridges to a LAN: clients get start..end with mask and "
	  "gw as route-gateway; without arguments no pool and route-gateway "
	  "dhcp pushed (not with nogw). The tap itself gets no address." },
	{ "mode", "p2p|server", "Peer to peer or server." },
	{ "push", "\"option\"", "Send an option to clients." },
	{ "push-reset", NULL, "ccd: do not inherit --push." },
	{ "push-remove", "text", "ccd: drop inherited --push lines." },
	{ "client-config-dir", "dir", "Per-client option files." },
	{ "ccd-exclusive", NULL, "Refuse clients without a ccd file." },
	{ "ifconfig-pool", "start end [mask]", "Client address pool." },
	{ "ifconfig-ipv6-pool", "addr/bits", "Client IPv6 pool." },
	{ "ifconfig-pool-persist", "file [n]", "Keep pool leases in file." },
	{ "ifconfig-push", "local mask|remote", "ccd: a fixed address." },
	{ "ifconfig-ipv6-push", "addr/bits [remote]", "ccd: a fixed IPv6 "
	  "address." },
	{ "iroute", "net [mask]", "ccd: a network behind this client." },
	{ "iroute-ipv6", "net/bits", "ccd: an IPv6 network behind it." },
	{ "disable", NULL, "ccd: refuse this client." },
	{ "client-to-client", NULL, "Route between clients inside." },
	{ "duplicate-cn", NULL, "Allow one certificate on several clients." },
	{ "max-clients", "n", "Most clients at once." },
	{ "connect-freq", "n sec", "New connections per sec seconds." },
	{ "connect-freq-initial", "n sec", "Initial packets per sec seconds." },
	{ "verify-client-cert", "none|optional|require", "Client "
	  "certificates." },
	{ "username-as-common-name", NULL, "Use the username as the CN." },
	{ "auth-gen-token", "[life] [renew] [external-auth]", "Issue session "
	  "tokens." },
	{ "auth-gen-token-secret", "file", "Key of the session tokens." },
	{ "auth-user-pass-verify", "cmd via-env|via-file", "Check "
	  "credentials." },
	{ "client-connect", "cmd", "Run when a client connects." },
	{ "client-disconnect", "cmd", "Run when a client leaves." },
	{ "learn-address", "cmd", "Run when an address is learned." },
	{ "tls-crypt-v2-verify", "cmd", "Check a client's tls-crypt-v2 key." },
	{ "tls-crypt-v2-max-age", "n", "Refuse client keys older than n days (2.7)." },
	{ "force-tls-key-material-export", NULL, "Refuse clients without TLS-EKM (2.7)." },
	{ "status-version", "1|2|3", "Status file format." },
};

const struct opt_help *opt_help_find(const char *name)
{
	for (size_t i = 0; i < sizeof(help) / sizeof(help[0]); i++)
		if (!strcmp(help[i].name, name))
			return &help[i];
	return NULL;
}

const struct opt_help *opt_help_at(size_t i)
{
	return i < sizeof(help) / sizeof(help[0]) ? &help[i] : NULL;
}
