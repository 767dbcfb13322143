/*
 * The fleet: N simulated OpenVPN clients in one process and one event
 * loop (ev/loop.h), driven through the phases of a load run:
 *
 *   RAMP    start clients, at most --rate per second and --inflight
 *           handshakes at once, until all N are up (failed ones retry)
 *   HOLD    all N stay up --hold seconds, pinging or keeping alive;
 *           throughput and the server's memory are measured here
 *   CHURN   --churn cycles: a client says EXIT, closes, reconnects
 *   SETTLE  the server's fd count goes back to its value before the
 *           churn (bounded: 5 s), then it is sampled
 *   DONE    every client says EXIT and closes (bounded: 3 s)
 *
 * Timers: one scan of the clients per 10 ms tick, each client keeping its
 * own next deadline (no timer per client per purpose). The whole run is
 * bounded by --timeout.
 */
#ifndef DCOVPN_LOAD_FLEET_H
#define DCOVPN_LOAD_FLEET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf/options.h"
#include "ctl/session.h"
#include "daemon/clientcfg.h"
#include "ev/loop.h"
#include "load/args.h"
#include "load/report.h"

struct lclient;

enum fleet_phase { PH_RAMP, PH_HOLD, PH_CHURN, PH_SETTLE, PH_DONE, PH_QUIET,
		  PH_END };

struct fleet {
	const struct load_args *a;
	struct options *o;              /* the client config */
	struct clientcfg cc;            /* TLS ctx, wrap key, peer-info, OCC */
	struct sockaddr_storage remote;
	socklen_t remote_len;
	char remote_desc[96];           /* "[AF_INET]198.18.0.1:1194" */
	struct session_config sc;       /* shared by every session */
	struct loop loop;
	struct lclient *c;              /* a->clients of them */
	struct options scratch;         /* one PUSH_REPLY is parsed into it */
	enum fleet_phase phase;
	uint64_t t0, phase_ms, deadline_ms, ramp_end_ms;
	double tokens;                  /* connects that may start now */
	uint64_t tokens_ms;             /* when tokens were last added */
	uint64_t next_sample_ms;        /* SETTLE: /proc read at most 5/s */
	uint64_t next_progress_ms;      /* the next line on stderr */
	unsigned up, inflight, closing;
	unsigned start_next;            /* round-robin cursor for starts */
	unsigned churn_next, churn_started, churn_done;
	bool complete;                  /* every phase ran to its end */
	struct load_stats st, hold_st0, hold_st1;
	uint64_t hold_ms, churn_ms;     /* how long they lasted */
	unsigned pinged;                /* clients with an echo reply (hold) */
	struct lat ramp_lat, churn_lat;
	struct proc_sample s0, s_up, s_hold, s_mid, s_churn;
	struct proc_sample s_churned;   /* when the last cycle was done */
	/* the goodbyes: when told, when done (or given up on); how many */
	struct proc_sample s_bye0, s_bye1;   /* s_bye1: once the server is quiet */
	uint64_t bye_ms;
	unsigned n_bye;
	bool quiet_started;             /* s_bye1 taken at least once */
	char first_err[256];
};

/* 0, or -errno with a message logged. */
int fleet_init(struct fleet *f, const struct load_args *a, struct options *o);
/* Runs every phase; 0 when complete (all up, pinged when asked, churn
 * done), else 1. */
int fleet_run(struct fleet *f);
void fleet_report(struct fleet *f, FILE *out);
void fleet_free(struct fleet *f);

/* Events of one client (lclient.c). */
void fleet_client_up(struct fleet *f, struct lclient *c, uint64_t now_ms);
/* @was: the client's state before it failed (it is IDLE now). */
void fleet_client_failed(struct fleet *f, struct lclient *c, int was,
			 const char *why);
void fleet_client_closed(struct fleet *f, struct lclient *c);

#endif
