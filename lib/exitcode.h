/* Exit codes shared by every tool (ARCHITECTURE §6; sysexits(3) values). */
#ifndef VP_EXITCODE_H
#define VP_EXITCODE_H

enum vp_exit {
	VP_EXIT_OK = 0,          /* everything processed */
	VP_EXIT_REJECTS = 1,     /* finished, but some records went to the rejects file */
	VP_EXIT_USAGE = 64,      /* bad flags or arguments */
	VP_EXIT_DATAERR = 65,    /* input data unusable as a whole */
	VP_EXIT_UNAVAILABLE = 69,/* a service is unavailable or refused us (404, no broker) */
	VP_EXIT_SOFTWARE = 70,   /* internal error (out of memory, a bug) */
	VP_EXIT_IOERR = 74,      /* output closed (EPIPE) or not writable; input not readable */
	VP_EXIT_TEMPFAIL = 75,   /* temporary failure: running again later may succeed */
	VP_EXIT_CONFIG = 78,     /* configuration error: bad credentials, missing setting */
};

#endif
