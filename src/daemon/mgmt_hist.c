/*
 * The management interface's state and echo histories, as OpenVPN 2.6's:
 * the last MGMT_HIST lines with their times, shown by "state|echo [N|all]"
 * as "time,text". The echo buffer holds each "echo" option a server
 * pushes, sent as it comes as ">ECHO:time,text" after "echo on"; GUIs take
 * commands from it (OpenVPN GUI's "echo forget-passwords", "echo msg ...").
 */
#include <stdio.h>
#include <time.h>

#include "daemon/mgmt_int.h"

struct mgmt_hist_rec *mgmt_hist_add(struct mgmt_hist *h)
{
	struct mgmt_hist_rec *r = &h->rec[h->n++ % MGMT_HIST];

	r->t = time(NULL);
	return r;
}

void mgmt_hist_send(struct mgmt *m, const struct mgmt_hist *h, unsigned n)
{
	unsigned kept = h->n < MGMT_HIST ? h->n : MGMT_HIST;

	if (!n || n > kept)
		n = kept;
	for (unsigned i = h->n - n; i < h->n; i++) {
		const struct mgmt_hist_rec *r = &h->rec[i % MGMT_HIST];

		mgmt_printf(m, "%lld,%s", (long long)r->t, r->text);
	}
}

void mgmt_echo(struct mgmt *m, const char *text)
{
	struct mgmt_hist_rec *r;

	if (!m)
		return;
	r = mgmt_hist_add(&m->echos);
	snprintf(r->text, sizeof(r->text), "%s", text);
	if (m->echo_rt)
		mgmt_notify(m, ">ECHO:%lld,%s", (long long)r->t, r->text);
}
