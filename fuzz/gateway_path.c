/* libFuzzer target: vtex-gateway's reading of a caller's request path.
 * links: cmd/vtex-gateway/classes.c
 *
 * The input is a path as a caller sends it. Checks: its class is one of the
 * classes; its endpoint (ids as '*') fits any buffer it is given, ends with
 * NUL and, given room, is never longer than the path. */
#include "vtex-gateway/classes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t outsz = data[0] % 200 + 2; /* the first byte picks the buffer size */
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	int c = gw_class_of(path);
	if (c < 0 || c >= GW__CLASSES)
		abort();
	char *out = malloc(outsz);
	gw_endpoint_of(path, out, outsz);
	size_t n = strnlen(out, outsz);
	if (n == outsz)
		abort();
	if (outsz > strlen(path) + 1 && n > strlen(path))
		abort();
	free(out);
	free(path);
	return 0;
}
