/* Query-argument parsing shared by the handlers. */
#ifndef SB_ARGS_H
#define SB_ARGS_H

#include "http.h"

#include <stdbool.h>
#include <stdint.h>

/* The argument as a whole number: def when absent; false when present but not a number. */
bool arg_long(const request *rq, const char *name, long long def, long long *out);
/* The path parameter as a whole number; false when not one. */
bool param_long(const char *s, long long *out);

#endif
