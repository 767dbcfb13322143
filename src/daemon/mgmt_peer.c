/* Management unix socket peers checked against user and group. */
#include "daemon/mgmt_peer.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>

#include "base/log.h"

int mgmt_peer_prepare(struct mgmt_peer *p, const char *user,
		      const char *group)
{
	p->check_uid = p->check_gid = false;
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (!pw) {
			log_err("--management-client-user: no such user: %s",
				user);
			return -ENOENT;
		}
		p->check_uid = true;
		p->uid = pw->pw_uid;
	}
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			log_err("--management-client-group: no such group: %s",
				group);
			return -ENOENT;
		}
		p->check_gid = true;
		p->gid = gr->gr_gid;
	}
	return 0;
}

bool mgmt_peer_allowed(const struct mgmt_peer *p, int fd)
{
	static const char why[] = "MANAGEMENT: unix domain socket client "
				  "connection rejected --";
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!p->check_uid && !p->check_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		log_warn("%s cannot get UID/GID of socket peer", why);
		return false;
	}
	if (p->check_uid && cred.uid != p->uid) {
		log_warn("%s UID of socket peer (%d) doesn't match required "
			 "value (%d) as given by --management-client-user", why,
			 (int)cred.uid, (int)p->uid);
		return false;
	}
	if (p->check_gid && cred.gid != p->gid) {
		log_warn("%s GID of socket peer (%d) doesn't match required "
			 "value (%d) as given by --management-client-group",
			 why, (int)cred.gid, (int)p->gid);
		return false;
	}
	return true;
}
