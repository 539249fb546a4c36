#include "configure.h"
#include "buf.h"
#include "cli_table.h"
#include "exitcode.h"
#include "http.h"
#include "log.h"
#include "secret.h"
#include "vtex_api.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char synopsis[] =
	"Usage: vtex-webhook configure --url URL [OPTION]...\n"
	"       vtex-webhook configure --show | --delete\n"
	"Configure the store's order hook on VTEX (POST /api/orders/hook/config): VTEX\n"
	"then sends order status changes to URL with the shared secret in a header.\n"
	"VTEX pings URL first and saves nothing unless the ping gets 200, so the\n"
	"receiver must be running. Each app key has one hook; this replaces it.\n"
	"\n";
static const char epilogue[] =
	"\n"
	"Environment: VTEX_ACCOUNT, VTEX_ENVIRONMENT, VTEX_BASE_URL, VTEX_APP_KEY,\n"
	"VTEX_APP_TOKEN or VTEX_APP_TOKEN_FILE (the key needs OMS \"Feed v3 and Hook Admin\").\n"
	"Prints the configuration VTEX holds, with header values masked.\n"
	"Exit status: 0 done; 64 usage; 69 VTEX refused the configuration (the ping\n"
	"failed, or no hook to show or delete); 75 VTEX unreachable or failing, try\n"
	"again; 78 credentials refused or missing settings.\n";

typedef struct {
	int exit_code;
	buf out;
} outcome;

/* Replaces every header value of a configuration with "***" before it is printed. */
static void mask_headers(cJSON *cfg)
{
	cJSON *hook = cJSON_GetObjectItemCaseSensitive(cfg, "hook");
	cJSON *headers = hook ? cJSON_GetObjectItemCaseSensitive(hook, "headers") : NULL;
	cJSON *h;
	cJSON_ArrayForEach(h, headers)
		if (cJSON_IsString(h))
			cJSON_SetValuestring(h, "***");
}

static void done(http_client *c, http_request *req, http_response *res, void *ctx)
{
	outcome *o = ctx;
	(void)c;
	if (res->outcome != HTTP_OUTCOME_OK) {
		log_error("VTEX did not answer", LS("method", http_request_method(req)),
			  LS("error", res->error ? res->error : "failed"), LI("status", res->status),
			  LI("attempts", res->attempts));
		o->exit_code = res->outcome == HTTP_OUTCOME_FATAL ? VP_EXIT_UNAVAILABLE : VP_EXIT_TEMPFAIL;
		return;
	}
	const char *body = buf_cstr(&res->body);
	if (res->status == 401 || res->status == 403) {
		log_error("VTEX refused the credentials", LI("status", res->status),
			  LS("hint", "check VTEX_APP_KEY, VTEX_APP_TOKEN and the key's role (Feed v3 and Hook Admin)"));
		o->exit_code = VP_EXIT_CONFIG;
		return;
	}
	if (res->status < 200 || res->status > 299) {
		/* VTEX's error message says why (e.g. the ping did not get 200); it holds no secret. */
		cJSON *j = cJSON_Parse(body);
		cJSON *err = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
		cJSON *msg = err ? cJSON_GetObjectItemCaseSensitive(err, "message") : NULL;
		log_error("VTEX refused the request", LS("method", http_request_method(req)), LI("status", res->status),
			  LS("message", cJSON_IsString(msg) ? msg->valuestring : ""));
		cJSON_Delete(j);
		o->exit_code = res->status == 409 ? VP_EXIT_CONFIG : VP_EXIT_UNAVAILABLE;
		return;
	}
	cJSON *j = cJSON_Parse(body);
	if (j) {
		mask_headers(j);
		char *text = cJSON_PrintUnformatted(j);
		buf_puts(&o->out, text);
		buf_putc(&o->out, '\n');
		free(text);
		cJSON_Delete(j);
	}
	o->exit_code = VP_EXIT_OK;
}

static cJSON *config_body(const char *url, const char *status, const char *header, const char *secret)
{
	cJSON *j = cJSON_CreateObject();
	cJSON *filter = cJSON_AddObjectToObject(j, "filter");
	cJSON_AddStringToObject(filter, "type", "FromWorkflow");
	if (status) {
		cJSON *arr = cJSON_AddArrayToObject(filter, "status");
		char *copy = xstrdup(status), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ')
				t++;
			if (*t)
				cJSON_AddItemToArray(arr, cJSON_CreateString(t));
		}
		free(copy);
	}
	cJSON *hook = cJSON_AddObjectToObject(j, "hook");
	cJSON_AddStringToObject(hook, "url", url);
	cJSON *headers = cJSON_AddObjectToObject(hook, "headers");
	cJSON_AddStringToObject(headers, header, secret);
	return j;
}

int configure_main(int argc, char **argv)
{
	cli_common cli;
	const char *url = NULL, *status = NULL, *header = NULL, *secret_file = NULL, *cacert = NULL;
	bool show = false, del = false;
	const cli_opt opts[] = {
		{ .name = "url", .type = CLI_STRING, .dest = &url, .arg = "URL", .env = "VTEX_WEBHOOK_URL",
		  .help = "where VTEX posts the notifications (http or https)" },
		{ .name = "status", .type = CLI_STRING, .dest = &status, .arg = "LIST", .env = "VTEX_WEBHOOK_STATUS",
		  .help = "only these workflow states, comma-separated, e.g. payment-approved,invoiced,canceled "
			  "(default: every state); VTEX does not check the names: spell them as its docs do" },
		{ .name = "secret-header", .type = CLI_STRING, .dest = &header, .arg = "NAME",
		  .env = "VTEX_WEBHOOK_SECRET_HEADER", .def = "key",
		  .help = "header carrying the secret, as the server takes it" },
		{ .name = "secret-file", .type = CLI_PATH, .dest = &secret_file, .arg = "FILE",
		  .help = "the secret; else env VTEX_WEBHOOK_SECRET or VTEX_WEBHOOK_SECRET_FILE (required with "
			  "--url); the same secret and header on both ends" },
		{ .name = "show", .type = CLI_FLAG, .dest = &show,
		  .help = "print the current configuration (header values masked)" },
		{ .name = "delete", .type = CLI_FLAG, .dest = &del, .help = "remove the hook" },
		{ .name = "cacert", .type = CLI_PATH, .dest = &cacert, .arg = "FILE", .env = "VTEX_CACERT",
		  .help = "trust this CA for VTEX's certificate" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = synopsis, .epilogue = epilogue, .opts = opts };

	cli_init(&cli, "vtex-webhook");
	int first = cli_table_parse(&cli, &spec, argc, argv);
	if (first < argc)
		cli_usage_error(&cli, "unexpected argument '%s'", argv[first]);
	if (show + del + (url != NULL && !show && !del) != 1)
		cli_usage_error(&cli, "give one of --url, --show, --delete");
	if (!show && !del && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		cli_usage_error(&cli, "--url: '%s' is not an http or https URL", url);
	if (!*header || strpbrk(header, ": \t\r\n"))
		cli_usage_error(&cli, "--secret-header: '%s' is not a header name", header);

	vtex_endpoint ep;
	const char *why, *hint;
	if (!vtex_endpoint_from_env(&ep, &why, &hint)) {
		log_error(why, LS("hint", hint));
		return VP_EXIT_CONFIG;
	}
	char *secret = NULL;
	if (!show && !del) {
		const char *err = NULL;
		secret = secret_file ? secret_read_file(secret_file, &err) : secret_read("VTEX_WEBHOOK_SECRET", &err);
		if (!err && (!secret || !*secret))
			log_error("no shared secret to give VTEX",
				  LS("hint", "set VTEX_WEBHOOK_SECRET or VTEX_WEBHOOK_SECRET_FILE, or give --secret-file"));
		if (!err && secret && *secret && strlen(secret) < WEBHOOK_SECRET_MIN) {
			log_error("the shared secret is shorter than 16 bytes (use e.g. `openssl rand -hex 32`)");
			err = "short";
		}
		if (err || !secret || !*secret) {
			secret_free(secret);
			vtex_endpoint_free(&ep);
			return VP_EXIT_CONFIG;
		}
	}

	http_options ho;
	http_options_default(&ho);
	ho.concurrency = 1;
	ho.cacert = cacert;
	ho.retry.max_attempts = 4;
	/* VTEX pings the hook before it answers, waiting up to 5 s for it. */
	ho.timeout_s = 30;
	http_client *hc = http_client_new(&ho);
	http_client_default_header(hc, "Content-Type: application/json");
	http_client_default_header(hc, "Accept: application/json");
	if (!vtex_add_credentials(hc, &why, &hint)) {
		log_error(why, LS("hint", hint));
		http_client_free(hc);
		secret_free(secret);
		vtex_endpoint_free(&ep);
		return VP_EXIT_CONFIG;
	}
	buf target = { 0 };
	buf_printf(&target, "%s/api/orders/hook/config", ep.base_url);
	http_request *rq = http_request_new(show ? "GET" : del ? "DELETE" : "POST", buf_cstr(&target));
	http_request_label(rq, "hook-config");
	if (!show && !del) {
		cJSON *body = config_body(url, status, header, secret);
		char *text = cJSON_PrintUnformatted(body);
		http_request_body(rq, text, strlen(text));
		secret_free(text);
		cJSON_Delete(body);
	}
	outcome out = { .exit_code = VP_EXIT_SOFTWARE };
	http_request_on_done(rq, done, &out);
	http_submit(hc, rq);
	http_client_run(hc, NULL, NULL);
	http_client_free(hc);
	if (out.exit_code == VP_EXIT_OK) {
		if (out.out.len)
			fwrite(out.out.data, 1, out.out.len, stdout);
		log_info(show ? "hook configuration shown" : del ? "hook removed" : "hook configured",
			 LS("url", url ? url : ""), LS("status", status ? status : "all"));
	}
	buf_free(&out.out);
	buf_free(&target);
	secret_free(secret);
	vtex_endpoint_free(&ep);
	cli_finish(&cli);
	return out.exit_code;
}
