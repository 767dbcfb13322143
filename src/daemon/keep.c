/* Files and sockets kept across restarts. See keep.h. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "daemon/keep.h"
#include "daemon/mgmt.h"

void keep_init(struct keep *k)
{
	for (int i = 0; i < KEEP_SLOTS; i++) {
		k->it[i].key = NULL;
		k->it[i].fd = -1;
	}
	k->tun.fd = -1;
	k->tun_key = NULL;
	k->mgmt = NULL;
	k->mgmt_key = NULL;
	k->restart_sig = 0;
}

static void tun_clear(struct keep *k)
{
	if (k->tun.fd >= 0)
		tun_close(&k->tun);
	k->tun.fd = -1;
	free(k->tun_key);
	k->tun_key = NULL;
}

static void item_clear(struct keep_item *it)
{
	if (it->fd >= 0)
		close(it->fd);
	free(it->key);
	it->key = NULL;
	it->fd = -1;
}

void keep_free(struct keep *k)
{
	for (int i = 0; i < KEEP_SLOTS; i++)
		item_clear(&k->it[i]);
	tun_clear(k);
	mgmt_close(keep_take_mgmt(k, NULL));
}

struct tun *keep_tun(struct keep *k, const char *name, bool tap, int *err)
{
	bool offload;

	if (k->tun.fd >= 0 && k->tun_key && !strcmp(k->tun_key, name))
		return &k->tun;
	tun_clear(k);
	k->tun_key = strdup(name);
	if (!k->tun_key)
		*err = -ENOMEM;
	else
		*err = tap ? tun_open_tap(&k->tun, name) :
			     tun_open_offload(&k->tun, name, true, &offload);
	if (*err) {
		tun_clear(k);
		return NULL;
	}
	return &k->tun;
}

int keep_file(struct keep *k, enum keep_slot slot, const char *path)
{
	struct keep_item *it = &k->it[slot];
	int fd;

	if (it->fd >= 0 && it->key && !strcmp(it->key, path))
		return it->fd;
	item_clear(it);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  S_IRUSR | S_IWUSR);
	if (fd < 0)
		return -errno;
	it->key = strdup(path);
	if (!it->key) {
		close(fd);
		return -ENOMEM;
	}
	it->fd = fd;
	return fd;
}

int keep_take(struct keep *k, enum keep_slot slot, const char *key)
{
	struct keep_item *it = &k->it[slot];
	int fd = -1;

	if (it->fd >= 0 && it->key && !strcmp(it->key, key)) {
		fd = it->fd;
		it->fd = -1;
	}
	item_clear(it);
	return fd;
}

void keep_put(struct keep *k, enum keep_slot slot, const char *key, int fd)
{
	struct keep_item *it = &k->it[slot];

	item_clear(it);
	it->key = strdup(key);
	if (!it->key) {
		close(fd);
		return;
	}
	it->fd = fd;
}

void keep_put_mgmt(struct keep *k, const char *key, struct mgmt *m)
{
	mgmt_close(keep_take_mgmt(k, NULL));
	k->mgmt_key = strdup(key);
	if (!k->mgmt_key) {
		mgmt_close(m);
		return;
	}
	k->mgmt = m;
}

struct mgmt *keep_take_mgmt(struct keep *k, const char *key)
{
	struct mgmt *m = k->mgmt;

	if (m && key && strcmp(k->mgmt_key, key)) {
		mgmt_close(m);
		m = NULL;
	}
	free(k->mgmt_key);
	k->mgmt_key = NULL;
	k->mgmt = NULL;
	return m;
}

/* @buf, then a comment line blanking [len, old) if the file was longer. */
static char *padded(const char *buf, size_t len, size_t old, size_t *out)
{
	size_t n = old > len ? old : len;
	char *p = malloc(n ? n : 1);

	if (!p)
		return NULL;
	memcpy(p, buf, len);
	if (n > len) {
		memset(p + len, ' ', n - len);
		p[len] = n - len > 1 ? '#' : '\n';
		p[n - 1] = '\n';
	}
	*out = n;
	return p;
}

int keep_rewrite(int fd, const char *buf, size_t len)
{
	struct stat st;
	size_t n;
	ssize_t w;
	char *p;
	int err = 0;

	if (fstat(fd, &st))
		return -errno;
	p = padded(buf, len, (size_t)st.st_size, &n);
	if (!p)
		return -ENOMEM;
	w = pwrite(fd, p, n, 0);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != n)
		err = -EIO;
	else if (ftruncate(fd, (off_t)len))
		err = -errno;
	free(p);
	return err;
}

int keep_print(int fd, int (*print)(FILE *f, void *ctx), void *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return -ENOMEM;
	err = print(f, ctx);
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (!err)
		err = keep_rewrite(fd, buf, len);
	free(buf);
	return err;
}

FILE *keep_read(int fd)
{
	int d = dup(fd);
	FILE *f;

	if (d < 0)
		return NULL;
	if (lseek(d, 0, SEEK_SET) < 0 || !(f = fdopen(d, "r"))) {
		close(d);
		return NULL;
	}
	return f;
}
