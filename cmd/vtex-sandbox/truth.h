/* The ground truth a pipeline must reproduce from what the sandbox serves:
 * counts per entity and, per CL document, order count, LTV and average
 * ticket over the orders not canceled, at the state served right now. */
#ifndef SB_TRUTH_H
#define SB_TRUTH_H

#include "buf.h"
#include "store.h"

#include <stdbool.h>

/* Writes the truth to path atomically (temporary file, then rename). */
bool truth_write(const store *s, const char *path);

#endif
