#include "daemon/prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/mem.h"

/* Read up to a newline; the terminal's line discipline delivers whole
 * lines, but a pty may split them. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	char ch;

	for (;;) {
		ssize_t r = read(fd, &ch, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || ch == '\n')
			break;
		if (ch == '\r')
			continue;
		if (n + 1 >= len) {
			mem_wipe(buf, n);
			return -ENOSPC;
		}
		buf[n++] = ch;
	}
	buf[n] = '\0';
	return 0;
}

int prompt_line(const char *question, bool echo, char *buf, size_t len)
{
	struct termios old, quiet;
	bool restore = false;
	int fd, ret;

	if (!len)
		return -EINVAL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENXIO;
	/* Echo off before the question: an answer typed (or sent by a
	 * script) right after it must neither echo nor be flushed away. */
	if (!echo && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(fd, TCSANOW, &quiet) == 0;
	}
	if (write(fd, question, strlen(question)) < 0 || write(fd, " ", 1) < 0) {
		if (restore)
			tcsetattr(fd, TCSANOW, &old);
		close(fd);
		return -EIO;
	}
	ret = read_line(fd, buf, len);
	if (restore)
		tcsetattr(fd, TCSANOW, &old);
	close(fd);
	return ret;
}
