/* Holds suspended connections until their time comes, then resumes them, so
 * --latency-ms and the slow fault cost no server thread while they wait. */
#ifndef SB_DELAY_H
#define SB_DELAY_H

struct MHD_Connection;
struct delayer;

struct delayer *delayer_start(void);
/* Resumes conn (already suspended by the caller) at monotonic time `due`. */
void delayer_add(struct delayer *d, struct MHD_Connection *conn, double due);
/* Resumes every waiting connection now and ends the timer thread; later
 * delayer_add calls resume at once. */
void delayer_stop(struct delayer *d);
/* After the server has stopped. */
void delayer_free(struct delayer *d);

#endif
