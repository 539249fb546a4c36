/* GET /metrics: Prometheus text format, without credentials. */
#include "metrics.h"
#include "routes.h"

#include <stdlib.h>

void h_metrics(app *a, request *rq, response *rs)
{
	size_t len;
	char *text = metrics_render(&len);
	(void)a;
	(void)rq;
	buf_put(&rs->body, text, len);
	free(text);
	rs->content_type = "text/plain; version=0.0.4";
}
