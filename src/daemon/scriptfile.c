/* Files shared with scripts (see scriptfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "daemon/scriptfile.h"

char *scriptfile_make(const char *dir, const char *tag, int *fdp)
{
	char path[PATH_MAX];
	int fd;

	if (!dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/dcovpn_%s_XXXXXX", dir, tag);
	fd = mkstemp(path);
	if (fd < 0) {
		log_err("cannot create a temporary file in %s: %s", dir,
			strerror(errno));
		return NULL;
	}
	fchmod(fd, 0600);
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return strdup(path);
}

void scriptfile_drop(char **path)
{
	if (!*path)
		return;
	unlink(*path);
	free(*path);
	*path = NULL;
}

long scriptfile_read(const char *path, char *buf, size_t len)
{
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return (long)n;
}

int scriptfile_first(const char *path)
{
	char b[2];

	return scriptfile_read(path, b, sizeof(b)) > 0 ? b[0] : 0;
}

void scriptfile_line(const char *path, char *buf, size_t len)
{
	scriptfile_read(path, buf, len);
	buf[strcspn(buf, "\r\n")] = '\0';
}
