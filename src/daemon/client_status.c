#include "daemon/client_status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/keep.h"

#define CLIENT_STATUS_MAX 512

/*
 * What each line counts, in the engine's terms: TUN/TAP read = plaintext
 * read from the tun and sent; TUN/TAP write = decrypted and written to the
 * tun; TCP/UDP read/write = whole transport payloads, control packets and
 * garbage included; Auth read = data packets that authenticated.
 */
int client_status_format(const struct dco_stats *st, time_t now, char *buf,
			 size_t len)
{
	char t[32];
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	n = snprintf(buf, len,
		     "OpenVPN STATISTICS\n"
		     "Updated,%s\n"
		     "TUN/TAP read bytes,%llu\n"
		     "TUN/TAP write bytes,%llu\n"
		     "TCP/UDP read bytes,%llu\n"
		     "TCP/UDP write bytes,%llu\n"
		     "Auth read bytes,%llu\n"
		     "END\n",
		     t, (unsigned long long)st->tun_rx_bytes,
		     (unsigned long long)st->tun_tx_bytes,
		     (unsigned long long)st->link_rx_bytes,
		     (unsigned long long)st->link_tx_bytes,
		     (unsigned long long)st->link_rx_auth_bytes);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int client_status_open(const struct options *o, struct keep *keep)
{
	int fd;

	if (!o->status_file || !keep)
		return -1;
	fd = keep_file(keep, KEEP_STATUS, o->status_file);
	if (fd < 0)
		log_warn("Note: cannot open %s for WRITE: %s", o->status_file,
			 strerror(-fd));
	return fd < 0 ? -1 : fd;
}

int client_status_write(int fd, const struct dco_stats *st)
{
	char buf[CLIENT_STATUS_MAX];
	int n = client_status_format(st, time(NULL), buf, sizeof(buf));

	/* In place, as OpenVPN does: readers never see a missing file. */
	return n < 0 ? n : keep_rewrite(fd, buf, (size_t)n);
}

void client_status_log(const struct dco_stats *st)
{
	char buf[CLIENT_STATUS_MAX];
	char *line, *save = NULL;

	if (client_status_format(st, time(NULL), buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		log_info("%s", line);
}
