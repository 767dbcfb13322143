/*
 * dcovpn-load's command line: the OpenVPN client configuration every
 * simulated client uses, and the shape of the load (how many clients,
 * how fast they come, how long they stay, how many reconnect cycles,
 * what they send). Every phase is bounded in count and in time.
 */
#ifndef DCOVPN_LOAD_ARGS_H
#define DCOVPN_LOAD_ARGS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct load_args {
	const char *config;      /* OpenVPN client config (required) */
	unsigned clients;        /* N concurrent clients */
	unsigned rate;           /* connects started per second, at most */
	unsigned inflight;       /* handshakes running at once, at most */
	unsigned hold_s;         /* seconds all N stay up */
	unsigned churn;          /* disconnect/reconnect cycles after hold */
	unsigned settle_s;       /* after the churn: held this long, then
				  * the server is sampled (0: when its fds
				  * are back) */
	unsigned ping_ms;        /* ICMP echo per client every ms; 0: none */
	unsigned pps;            /* ... or this many per second; 0: ping_ms */
	unsigned size;           /* ICMP payload bytes */
	unsigned keepalive_s;    /* 0: the pushed "ping", else 10 */
	unsigned timeout_s;      /* bound on the whole run */
	bool have_src;           /* bind each client to one of ... */
	uint32_t src_first;      /* ... src_count addresses from src_first */
	uint32_t src_count;      /* (host order) */
	int server_pid;          /* 0: no /proc figures */
	int verb;                /* log level of the shared modules */
};

/* Do the clients send echo requests (a data rate or pings)? */
static inline bool load_args_echo(const struct load_args *a)
{
	return a->ping_ms || a->pps;
}

/* 0; 1 after --help (printed); -EINVAL with a message on stderr. */
int load_args_parse(struct load_args *a, int argc, char **argv);

#endif
