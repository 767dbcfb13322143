/* client-config-dir files: lookup and digest (server_ccd.h). */
#include "daemon/server_ccd.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/safename.h"

#define CCD_READ_MAX (1u << 20)	/* a ccd file larger than this is not one */

static bool regular(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

int server_ccd_path(const struct opt_server *so, const char *name, char *path,
		    size_t len)
{
	char file[SAFENAME_MAX] = "";
	/* as OpenVPN's platform_gen_path: '/' is '_'; no "." or ".." */
	bool named = safename_file(name, file, sizeof(file));

	if (!so->ccd_dir)
		return 0;
	snprintf(path, len, "%s/%s", so->ccd_dir, file);
	if (named && regular(path))
		return 1;
	snprintf(path, len, "%s/DEFAULT", so->ccd_dir);
	return regular(path) ? 1 : 0;
}

/* Hash the file at @path into @out: 0, or -1 if it cannot be read. */
static int digest_file(const char *path, uint8_t out[SERVER_CCD_DIGEST_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t total = 0;
	uint8_t buf[4096];
	ssize_t n = 0;
	int ret = -1;

	if (!md || fd < 0 || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		goto out;
	while (total < CCD_READ_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		total += (size_t)n;
		if (!EVP_DigestUpdate(md, buf, (size_t)n))
			goto out;
	}
	if (n >= 0 && EVP_DigestFinal_ex(md, out, NULL))
		ret = 0;
out:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	return ret;
}

void server_ccd_digest(const struct opt_server *so, const char *name,
		       uint8_t out[SERVER_CCD_DIGEST_LEN])
{
	char path[4096];

	memset(out, 0, SERVER_CCD_DIGEST_LEN);
	if (server_ccd_path(so, name, path, sizeof(path)) == 1 &&
	    digest_file(path, out))
		memset(out, 0xff, SERVER_CCD_DIGEST_LEN);
}
