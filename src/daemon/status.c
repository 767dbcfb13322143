/* The server's status file, in OpenVPN 2.6's formats. See status.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "daemon/keep.h"
#include "daemon/server_int.h"
#include "daemon/status.h"

#define STATUS_TITLE "OpenVPN 2.6.14 (dcovpn 0.1) x86_64-pc-linux-gnu " \
		     "[SSL (OpenSSL)] [DCO]"

static void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Bytes each way and "Last Ref": when the client last sent an authenticated
 * packet (the engine keeps it on the monotonic clock; shown as wall time). */
static void client_stats(struct server *s, const struct srv_client *c,
			 time_t now, uint64_t *rx, uint64_t *tx, time_t *last)
{
	struct dco_stats st;
	uint64_t mono = clock_now_ms();

	server_client_bytes(c, rx, tx);
	*last = c->since;
	if (c->peer_added && dco_get_stats(s->dco, c->peer_id, &st) == 0 &&
	    st.last_rx_ms && st.last_rx_ms <= mono)
		*last = now - (time_t)((mono - st.last_rx_ms) / 1000u);
}

/* As OpenVPN counts a client's link bytes: every packet from its first
 * reset on, the TLS handshake's control packets included (the session
 * counted those until the engine took the peer over). */
void server_client_bytes(const struct srv_client *c, uint64_t *rx,
			 uint64_t *tx)
{
	struct dco_stats st;

	if (!c->peer_added) {
		*rx = c->sess.link_rx_bytes;
		*tx = c->sess.link_tx_bytes;
		return;
	}
	*rx = c->pre_rx_bytes;
	*tx = c->pre_tx_bytes;
	if (dco_get_stats(c->srv->dco, c->peer_id, &st) == 0) {
		*rx += st.link_rx_bytes;
		*tx += st.link_tx_bytes;
	}
}

/* Clients listed: those whose data channel is up. */
static bool listed(const struct srv_client *c)
{
	return c && c->pushed && !c->dead;
}

static void print_v1(struct server *s, FILE *f, time_t now)
{
	char t[32], since[32], ref[32], a[INET6_ADDRSTRLEN];
	uint64_t rx, tx;
	time_t last;

	fmt_time(now, t, sizeof(t));
	fprintf(f, "OpenVPN CLIENT LIST\nUpdated,%s\n", t);
	fprintf(f, "Common Name,Real Address,Bytes Received,Bytes Sent,"
		"Connected Since\n");
	for (uint32_t i = 0; i < s->max_clients; i++) {
		const struct srv_client *c = s->clients[i];

		if (!listed(c))
			continue;
		client_stats(s, c, now, &rx, &tx, &last);
		fmt_time(c->since, since, sizeof(since));
		fprintf(f, "%s,%s,%llu,%llu,%s\n", c->cn, c->real,
			(unsigned long long)rx, (unsigned long long)tx, since);
	}
	fprintf(f, "ROUTING TABLE\nVirtual Address,Common Name,Real Address,"
		"Last Ref\n");
	for (uint32_t i = 0; i < s->max_clients; i++) {
		const struct srv_client *c = s->clients[i];

		if (!listed(c))
			continue;
		client_stats(s, c, now, &rx, &tx, &last);
		fmt_time(last, ref, sizeof(ref));
		/* a stale route (stale-routes-check) is gone from the table */
		if (c->has6 && !c->stale6) {
			inet_ntop(AF_INET6, &c->vpn6, a, sizeof(a));
			fprintf(f, "%s,%s,%s,%s\n", a, c->cn, c->real, ref);
		}
		if (c->has4 && !c->stale4) {
			inet_ntop(AF_INET, &c->vpn4, a, sizeof(a));
			fprintf(f, "%s,%s,%s,%s\n", a, c->cn, c->real, ref);
		}
	}
	fprintf(f, "GLOBAL STATS\nMax bcast/mcast queue length,0\nEND\n");
}

static void print_v23(struct server *s, FILE *f, time_t now, char sep)
{
	char t[32], since[32], ref[32], a4[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	uint64_t rx, tx;
	time_t last;
	const char d = sep;

	fmt_time(now, t, sizeof(t));
	fprintf(f, "TITLE%c%s\n", d, STATUS_TITLE);
	fprintf(f, "TIME%c%s%c%lld\n", d, t, d, (long long)now);
	fprintf(f, "HEADER%cCLIENT_LIST%cCommon Name%cReal Address%cVirtual "
		"Address%cVirtual IPv6 Address%cBytes Received%cBytes Sent%c"
		"Connected Since%cConnected Since (time_t)%cUsername%cClient ID%c"
		"Peer ID%cData Channel Cipher\n", d, d, d, d, d, d, d, d, d, d,
		d, d, d);
	for (uint32_t i = 0; i < s->max_clients; i++) {
		const struct srv_client *c = s->clients[i];

		if (!listed(c))
			continue;
		client_stats(s, c, now, &rx, &tx, &last);
		fmt_time(c->since, since, sizeof(since));
		a4[0] = a6[0] = 0;
		if (c->has4)
			inet_ntop(AF_INET, &c->vpn4, a4, sizeof(a4));
		if (c->has6)
			inet_ntop(AF_INET6, &c->vpn6, a6, sizeof(a6));
		fprintf(f, "CLIENT_LIST%c%s%c%s%c%s%c%s%c%llu%c%llu%c%s%c%lld%c"
			"%s%c%u%c%u%c%s\n", d, c->cn, d, c->real, d, a4, d, a6,
			d, (unsigned long long)rx, d, (unsigned long long)tx, d,
			since, d, (long long)c->since, d,
			c->sess.peer_user && c->sess.peer_user[0] ?
			c->sess.peer_user : "UNDEF", d, c->client_id, d,
			c->peer_id, d, dco_cipher_name(c->cipher));
	}
	fprintf(f, "HEADER%cROUTING_TABLE%cVirtual Address%cCommon Name%c"
		"Real Address%cLast Ref%cLast Ref (time_t)\n", d, d, d, d, d, d);
	for (uint32_t i = 0; i < s->max_clients; i++) {
		const struct srv_client *c = s->clients[i];

		if (!listed(c))
			continue;
		client_stats(s, c, now, &rx, &tx, &last);
		fmt_time(last, ref, sizeof(ref));
		if (c->has6 && !c->stale6) {
			inet_ntop(AF_INET6, &c->vpn6, a6, sizeof(a6));
			fprintf(f, "ROUTING_TABLE%c%s%c%s%c%s%c%s%c%lld\n", d, a6,
				d, c->cn, d, c->real, d, ref, d, (long long)last);
		}
		if (c->has4 && !c->stale4) {
			inet_ntop(AF_INET, &c->vpn4, a4, sizeof(a4));
			fprintf(f, "ROUTING_TABLE%c%s%c%s%c%s%c%s%c%lld\n", d, a4,
				d, c->cn, d, c->real, d, ref, d, (long long)last);
		}
	}
	fprintf(f, "GLOBAL_STATS%cMax bcast/mcast queue length%c0\n", d, d);
	fprintf(f, "GLOBAL_STATS%cdco_enabled%c1\n", d, d);
	fprintf(f, "END\n");
}

void status_print(struct server *s, FILE *f, int version, time_t now)
{
	if (version == 1)
		print_v1(s, f, now);
	else
		print_v23(s, f, now, version == 3 ? '\t' : ',');
}

#define STATUS_LOG_MS 60000u   /* at most one failure line a minute */

/* Rewritten in place through the descriptor kept across restarts
 * (daemon/keep.h); a failure is logged, at most once a minute. */
static int status_report(FILE *f, void *ctx)
{
	struct server *s = ctx;

	status_print(s, f, s->so->status_version, time(NULL));
	return ferror(f) ? -EIO : 0;
}

static void status_write(struct server *s)
{
	int err;

	if (s->status_fd < 0)
		return;
	err = keep_print(s->status_fd, status_report, s);
	if (err)
		log_limited(&s->status_log, STATUS_LOG_MS, LOG_WARN,
			    "cannot write status file %s: %s", s->o->status_file,
			    strerror(-err));
}

/* As OpenVPN: a status file that cannot be opened is a warning. */
void status_open(struct server *s)
{
	if (!s->o->status_file)
		return;
	s->status_fd = keep_file(s->keep, KEEP_STATUS, s->o->status_file);
	if (s->status_fd < 0) {
		log_warn("Note: cannot open %s for WRITE: %s",
			 s->o->status_file, strerror(-s->status_fd));
		s->status_fd = -1;
		return;
	}
	s->status_next_ms = 1;
}

void status_tick(struct server *s, uint64_t now_ms)
{
	unsigned iv = s->o->status_interval > 0 ? (unsigned)s->o->status_interval : 60u;

	if (s->status_fd < 0 || now_ms < s->status_next_ms)
		return;
	status_write(s);
	s->status_next_ms = now_ms + (uint64_t)iv * 1000u;
}

/* The last report; the file itself stays open in s->keep. */
void status_close(struct server *s)
{
	status_write(s);
	s->status_fd = -1;
}

void status_write_log(struct server *s)
{
	status_print(s, stderr, 1, time(NULL));
}
