/* /api/orders/hook/config (API.md §4.2). */
#include "hooks.h"
#include "routes.h"

#include <string.h>

void h_hook_config(app *a, request *rq, response *rs)
{
	if (strcmp(rq->method, "POST") == 0)
		hooks_post_config(a->hooks, rq->key, rq->body.data ? rq->body.data : "", rq->body.len, rs);
	else if (strcmp(rq->method, "DELETE") == 0)
		hooks_delete_config(a->hooks, rq->key, rs);
	else
		hooks_get_config(a->hooks, rq->key, rs);
}
