/* The BigQuery target (placeholder until the transport lands). */
#include "target.h"
#include "exitcode.h"
#include "log.h"

target *bq_target_new(const options *o, int *exit_code)
{
	(void)o;
	log_error("the bigquery target is not built yet");
	*exit_code = VP_EXIT_CONFIG;
	return NULL;
}
