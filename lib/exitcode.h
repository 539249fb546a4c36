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

/* When several codes apply to one run, the one that asks more of whoever
 * reads it wins (vtex-pipes(7), EXIT STATUS), one rule for every tool:
 *   0 < 1 (look at the rejects) < 75 (run again later) < 69 (a peer refused
 *   for good) < 65 (the input as a whole) < 74 (something may not have been
 *   written or read: never to be taken for "done, with rejects") < 70 (a bug)
 *   < 78 (configuration: a person must act) < 64 (usage: nothing ran).
 * A code not listed ranks with 70. */
static inline int vp_exit_rank(int code)
{
	switch (code) {
	case VP_EXIT_OK: return 0;
	case VP_EXIT_REJECTS: return 1;
	case VP_EXIT_TEMPFAIL: return 2;
	case VP_EXIT_UNAVAILABLE: return 3;
	case VP_EXIT_DATAERR: return 4;
	case VP_EXIT_IOERR: return 5;
	case VP_EXIT_CONFIG: return 7;
	case VP_EXIT_USAGE: return 8;
	default: return 6; /* VP_EXIT_SOFTWARE and anything unknown */
	}
}

/* The code of a run to which both a and b apply. */
static inline int vp_exit_worst(int a, int b)
{
	return vp_exit_rank(b) > vp_exit_rank(a) ? b : a;
}

#endif
