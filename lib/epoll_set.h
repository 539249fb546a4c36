/* An epoll set that keeps a socket its owner stopped watching until an event
 * comes for it: libcurl watches a kept-alive connection during each transfer
 * only, and removing it at the end of one to add it again at the start of
 * the next cost two epoll_ctl per request (vtex-gateway's most frequent
 * system call, flooded). Watching it again for the same events costs none. */
#ifndef VP_EPOLL_SET_H
#define VP_EPOLL_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int fd; /* the epoll instance's, -1 when it could not be created */
	struct epoll_set_entry *by_fd;
	size_t n;
} epoll_set;

/* false (errno set) when the kernel refuses an epoll instance. */
bool epoll_set_init(epoll_set *s);
void epoll_set_free(epoll_set *s);
/* fd watched for events (EPOLLIN, EPOLLOUT; data.fd is fd); events 0: no
 * longer watched, but left in the set. false (errno set) on failure. */
bool epoll_set_watch(epoll_set *s, int fd, uint32_t events);
/* For an fd epoll_wait reported: true when nobody watches it, which takes it
 * out of the set now (its events would wake the loop again and again). */
bool epoll_set_stray(epoll_set *s, int fd);
/* Out of the set now. */
void epoll_set_remove(epoll_set *s, int fd);
/* Call before closing a watched fd: the kernel drops it from the set, and
 * its number may come back as another file. */
void epoll_set_forget(epoll_set *s, int fd);

#endif
