/*
 * ready.c - sd_notify's datagram and --ready-fd's line (see ready.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ready.h"

void
yk_ready_init(struct yk_ready *r)
{
	const char *s = getenv("NOTIFY_SOCKET");

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (s && *s)
		r->sock = yk_strdup(s);
	unsetenv("NOTIFY_SOCKET");
}

int
yk_ready_setup(struct yk_ready *r, struct yk_err *err)
{
	int fl;

	if (r->fd < 0)
		return YK_OK;
	fl = fcntl((int)r->fd, F_GETFD);
	if (fl < 0)
		return yk_err_set(err, YK_EUSAGE,
				  "--ready-fd %ld: descriptor %ld is not open",
				  r->fd, r->fd);
	if (fcntl((int)r->fd, F_SETFD, fl | FD_CLOEXEC) != 0)
		return yk_err_set(err, YK_EUSAGE, "--ready-fd %ld: %s", r->fd,
				  strerror(errno));
	return YK_OK;
}

/* One datagram to $NOTIFY_SOCKET, as sd_notify sends it. */
static int
notify(const char *path, struct yk_err *err)
{
	static const char msg[] = "READY=1";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(path);
	socklen_t len;
	ssize_t w;
	int fd;

	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sa.sun_path))
		return yk_err_set(err, YK_ERUNTIME,
				  "cannot notify '%s': not a unix socket path "
				  "or @name",
				  path);
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract: no NUL at the end */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			  (path[0] == '@' ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return yk_err_set(err, YK_ERUNTIME, "cannot notify '%s': %s",
				  path, strerror(errno));
	do
		w = sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL,
			   (struct sockaddr *)&sa, len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		yk_err_set(err, YK_ERUNTIME, "cannot notify '%s': %s", path,
			   strerror(errno));
	close(fd);
	return w < 0 ? err->rc : YK_OK;
}

/* "ready\n" to fd, then close it. */
static int
line(int fd, struct yk_err *err)
{
	static const char msg[] = "ready\n";
	size_t off = 0;
	int rc = YK_OK;

	while (off < sizeof(msg) - 1) {
		ssize_t w = write(fd, msg + off, sizeof(msg) - 1 - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = yk_err_set(err, YK_ERUNTIME,
					"cannot write to --ready-fd %d: %s",
					fd, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	close(fd);
	return rc;
}

int
yk_ready_tell(struct yk_ready *r, struct yk_err *err)
{
	struct yk_err e2 = {0};
	int rc = YK_OK;

	if (r->told)
		return YK_OK;
	r->told = true;
	if (r->sock)
		rc = notify(r->sock, err);
	if (r->fd >= 0 && line((int)r->fd, &e2) != YK_OK && rc == YK_OK) {
		*err = e2;
		rc = e2.rc;
	}
	r->fd = -1;
	return rc;
}

void
yk_ready_free(struct yk_ready *r)
{
	free(r->sock);
	r->sock = NULL;
}
