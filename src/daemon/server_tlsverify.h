/*
 * tls-verify CMD (and tls-export-cert DIR) on the server.
 *
 * OpenVPN 2.6 runs the command inside its TLS handshake, once for each
 * certificate of the client's chain, the deepest first, with "DEPTH
 * SUBJECT" appended and the certificate's X509_*, tls_* and untrusted_*
 * variables in the environment; any exit status but 0 fails the handshake
 * ("VERIFY SCRIPT ERROR") and the client tries again. That blocks
 * OpenVPN's every client for as long as the script runs.
 *
 * Here the verdict is held instead: the runs go through the script runner
 * from the event loop when the client first asks for its configuration
 * (PUSH_REQUEST), before its credentials are checked and before anything
 * is installed for it, so a slow script holds up only that client. A
 * refusal ends the client with RESTART: it tries again, as after a failed
 * handshake. With tls-export-cert each run gets the certificate as PEM in
 * a new file of DIR (peer_cert), removed when the run ends, as OpenVPN.
 * Renegotiations are not checked again (OpenVPN runs it on each).
 */
#ifndef DCOVPN_DAEMON_SERVER_TLSVERIFY_H
#define DCOVPN_DAEMON_SERVER_TLSVERIFY_H

#include <stdbool.h>

struct srv_client;
struct scriptrun_job;

typedef void (*server_tlsverify_done)(struct srv_client *c, int ret);

struct srv_tlsverify {
	int depth;                   /* the certificate being checked */
	struct scriptrun_job *job;
	char *cert_file;             /* tls-export-cert: this run's PEM */
	server_tlsverify_done done;
};

/* 1: nothing to run; 0: started, @done(c, 0 or -EPERM) comes from the
 * loop; <0: could not start (refuse the client). */
int server_tlsverify(struct srv_client *c, server_tlsverify_done done);
/* The client goes: a run still going is detached, its file removed. */
void server_tlsverify_free(struct srv_client *c);

#endif
