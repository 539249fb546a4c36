/* Injected trouble: a fault per request at --fault-rate (deterministic in the
 * request's arrival number with --fault-seed), and a global request-rate cap
 * answering 429 above --rate-limit. */
#ifndef SB_FAULTS_H
#define SB_FAULTS_H

#include "config.h"

#include <stdbool.h>
#include <stdint.h>

struct faults;

struct faults *faults_new(const sb_config *cfg);
void faults_free(struct faults *f);
/* The fault for the next request (FAULT_NONE mostly); *draw holds bits for its variant. */
enum fault_kind faults_pick(struct faults *f, unsigned long long *draw);
/* Takes a token from the rate limiter; false when the request is over the limit. */
bool faults_rate_ok(struct faults *f);
/* Tokens left now (for Ratelimit-Remaining), or -1 without a limit. */
long faults_rate_remaining(struct faults *f);
const char *fault_name(enum fault_kind k);
/* Parses "429,5xx,reset,truncate,slow" into cfg->faults; false on an unknown name. */
bool faults_parse_list(const char *list, bool out[FAULT__COUNT]);

#endif
