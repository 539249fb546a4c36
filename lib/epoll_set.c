#include "epoll_set.h"
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct epoll_set_entry {
	uint32_t events; /* as the kernel has them */
	bool in_set, watched;
};

bool epoll_set_init(epoll_set *s)
{
	*s = (epoll_set){ .fd = epoll_create1(EPOLL_CLOEXEC) };
	return s->fd >= 0;
}

void epoll_set_free(epoll_set *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->by_fd);
	*s = (epoll_set){ .fd = -1 };
}

static struct epoll_set_entry *entry(epoll_set *s, int fd, bool grow)
{
	if (fd < 0)
		return NULL;
	if ((size_t)fd >= s->n) {
		if (!grow)
			return NULL;
		size_t n = s->n ? s->n : 64;
		while (n <= (size_t)fd)
			n *= 2;
		s->by_fd = xrealloc(s->by_fd, n * sizeof *s->by_fd);
		memset(s->by_fd + s->n, 0, (n - s->n) * sizeof *s->by_fd);
		s->n = n;
	}
	return &s->by_fd[fd];
}

bool epoll_set_watch(epoll_set *s, int fd, uint32_t events)
{
	struct epoll_set_entry *e = entry(s, fd, events != 0);
	if (!e)
		return events == 0 || (errno = EBADF, false);
	e->watched = events != 0;
	if (!events || (e->in_set && e->events == events))
		return true;
	struct epoll_event ev = { .events = events, .data.fd = fd };
	/* The other operation is the fallback should the set and the record
	 * disagree (an fd closed without epoll_set_forget, say). */
	int op = e->in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(s->fd, op, fd, &ev) != 0 &&
	    (errno != (e->in_set ? ENOENT : EEXIST) ||
	     epoll_ctl(s->fd, e->in_set ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) != 0)) {
		*e = (struct epoll_set_entry){ 0 };
		return false;
	}
	e->in_set = true;
	e->events = events;
	return true;
}

bool epoll_set_stray(epoll_set *s, int fd)
{
	struct epoll_set_entry *e = entry(s, fd, false);
	if (e && e->watched)
		return false;
	epoll_set_remove(s, fd);
	return true;
}

void epoll_set_remove(epoll_set *s, int fd)
{
	struct epoll_set_entry *e = entry(s, fd, false);
	if (!e || e->in_set)
		epoll_ctl(s->fd, EPOLL_CTL_DEL, fd, NULL); /* fails when it was closed: fine */
	if (e)
		*e = (struct epoll_set_entry){ 0 };
}

void epoll_set_forget(epoll_set *s, int fd)
{
	struct epoll_set_entry *e = entry(s, fd, false);
	if (e)
		*e = (struct epoll_set_entry){ 0 };
}
