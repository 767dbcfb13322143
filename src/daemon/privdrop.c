#include "daemon/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.h"

static int fail(int e, char *err, size_t errlen, const char *what,
		const char *name)
{
	snprintf(err, errlen, "%s %s: %s", what, name, strerror(e));
	return -e;
}

int privdrop_prepare(struct privdrop *pd, const char *user, const char *group,
		     char *err, size_t errlen)
{
	memset(pd, 0, sizeof(*pd));
	if (user) {
		struct passwd *pw;
		struct group *gr0;

		errno = ENOENT;
		pw = getpwnam(user);
		if (!pw)
			return fail(errno ? errno : ENOENT, err, errlen,
				    "--user: no such user", user);
		pd->want_user = true;
		pd->uid = pw->pw_uid;
		pd->gid = pw->pw_gid; /* its own group unless --group says */
		snprintf(pd->user, sizeof(pd->user), "%s", user);
		gr0 = getgrgid(pw->pw_gid);
		snprintf(pd->group, sizeof(pd->group), "%s",
			 gr0 ? gr0->gr_name : "(its primary group)");
	}
	if (group) {
		struct group *gr;

		errno = ENOENT;
		gr = getgrnam(group);
		if (!gr)
			return fail(errno ? errno : ENOENT, err, errlen,
				    "--group: no such group", group);
		pd->want_group = true;
		pd->gid = gr->gr_gid;
		snprintf(pd->group, sizeof(pd->group), "%s", group);
	}
	return 0;
}

int privdrop_chroot(struct privdrop *pd, const char *dir, char *err,
		    size_t errlen)
{
	if (!dir)
		return 0;
	if (!*dir || strlen(dir) >= sizeof(pd->chroot_dir))
		return fail(ENAMETOOLONG, err, errlen, "--chroot: bad directory",
			    dir);
	snprintf(pd->chroot_dir, sizeof(pd->chroot_dir), "%s", dir);
	return 0;
}

bool privdrop_wanted(const struct privdrop *pd)
{
	return pd->want_user || pd->want_group || pd->chroot_dir[0];
}

/* Files opened so far stay open; paths from now on are inside @dir. */
static int enter_chroot(const char *dir, char *err, size_t errlen)
{
	if (chroot(dir) || chdir("/"))
		return fail(errno, err, errlen, "chroot to", dir);
	log_info("chroot to '%s' and cd to '/' succeeded", dir);
	return 0;
}

/* Permitted and effective: CAP_NET_ADMIN alone; nothing inheritable. */
static int keep_net_admin(void)
{
	cap_value_t keep = CAP_NET_ADMIN;
	cap_t caps = cap_init();
	int ret = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 1, &keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 1, &keep, CAP_SET) ||
	    cap_set_proc(caps))
		ret = -errno;
	cap_free(caps);
	return ret;
}

int privdrop_apply(struct privdrop *pd, char *err, size_t errlen)
{
	int e;

	if (pd->done || !privdrop_wanted(pd))
		return 0;
	/* A restart (SIGHUP, SIGUSR1) after the drop: nothing left to do. */
	if (pd->want_user && pd->uid != 0 && geteuid() == pd->uid &&
	    getegid() == pd->gid) {
		pd->done = true;
		return 0;
	}
	if (pd->chroot_dir[0]) {
		e = enter_chroot(pd->chroot_dir, err, errlen);
		if (e)
			return e;
		pd->chroot_dir[0] = '\0';	/* done: never twice */
	}
	if (!pd->want_user && !pd->want_group) {
		pd->done = true;
		return 0;
	}
	/* Keep the permitted set across setuid (this thread only: the engine's
	 * threads lose every capability, they need none). */
	if (pd->want_user && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L))
		return fail(errno, err, errlen, "prctl", "KEEPCAPS");
	/* Group first: after setuid there is no right to change it. With
	 * --user alone the process takes that user's group, not root's. */
	if (setgroups(1, &pd->gid) || setgid(pd->gid))
		return fail(errno, err, errlen, "cannot set group",
			    pd->want_group ? pd->group : pd->user);
	if (pd->want_user && setuid(pd->uid))
		return fail(errno, err, errlen, "cannot set user", pd->user);
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	e = keep_net_admin();
	if (e)
		return fail(-e, err, errlen, "cannot keep", "CAP_NET_ADMIN");
	/* Proof, not hope: root must be out of reach now. */
	if (pd->want_user && pd->uid != 0 && setuid(0) == 0)
		return fail(EPERM, err, errlen, "still able to become", "root");
	pd->done = true;
	log_info("dropped privileges to user %s, group %s (CAP_NET_ADMIN kept "
		 "for reconnects)", pd->want_user ? pd->user : "root",
		 pd->want_group || pd->want_user ? pd->group : "root");
	return 0;
}
