/* For the unit tests: code that exits (a usage error) run in a child. */
#ifndef VP_TEST_CHILD_H
#define VP_TEST_CHILD_H

#include <stddef.h>

/* Runs run(ctx) in a child, which then exits 0; returns the child's exit
 * status (-1 when a signal ended it) and what it wrote to stderr in err. */
int child_exit(void (*run)(void *ctx), void *ctx, char *err, size_t errsize);

#endif
