#include "args.h"

#include <errno.h>
#include <stdlib.h>

bool param_long(const char *s, long long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

bool arg_long(const request *rq, const char *name, long long def, long long *out)
{
	const char *v = req_arg(rq, name);
	if (!v || !*v) {
		*out = def;
		return true;
	}
	return param_long(v, out);
}
