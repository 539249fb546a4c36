#include "vtex_api.h"
#include "buf.h"
#include "cli.h"
#include "log.h"
#include "http.h"
#include "secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Drops trailing slashes so paths can be appended with their own '/'. */
static char *without_trailing_slash(const char *s)
{
	char *r = xstrdup(s);
	size_t n = strlen(r);
	while (n && r[n - 1] == '/')
		r[--n] = '\0';
	return r;
}

bool vtex_endpoint_from_env(vtex_endpoint *e, const char **why, const char **hint)
{
	const char *account = cli_env("VTEX_ACCOUNT", NULL);
	const char *env = cli_env("VTEX_ENVIRONMENT", "vtexcommercestable");
	const char *base = cli_env("VTEX_BASE_URL", NULL);
	buf b = { 0 };

	*e = (vtex_endpoint){ 0 };
	const char *gateway = cli_env("VTEX_GATEWAY", NULL);
	if (gateway) { /* it routes /pricing/ to the pricing host itself */
		const char *socket_path = http_unix_socket_path(gateway);
		if (socket_path && access(socket_path, W_OK) != 0 && errno == EACCES) {
			*why = "VTEX_GATEWAY is a Unix socket this user may not open (permission denied)";
			*hint = "run as a user the socket's mode lets in (its owner or group; vtex-gateway --socket-mode)";
			return false;
		} else if (socket_path) { /* a socket, not a host: any local name does */
			e->base_url = xstrdup("http://localhost");
		} else if (!http_url_credentials_allowed(gateway, "VTEX_GATEWAY")) {
			*why = "VTEX_GATEWAY is plain http:// to a host other than the loopback";
			*hint = "use https:// (or VTEX_PIPES_ALLOW_PLAIN_HTTP=1)";
			return false;
		} else {
			e->base_url = without_trailing_slash(gateway);
		}
		e->pricing_url = xstrdup(e->base_url);
		return true;
	}
	if (base) {
		if (!http_url_credentials_allowed(base, "VTEX_BASE_URL")) {
			*why = "VTEX_BASE_URL is plain http:// to a host other than the loopback";
			*hint = "use https:// (or VTEX_PIPES_ALLOW_PLAIN_HTTP=1)";
			return false;
		}
		e->base_url = without_trailing_slash(base);
	} else {
		if (!account) {
			*why = "VTEX_ACCOUNT is not set";
			*hint = "set VTEX_ACCOUNT (or VTEX_BASE_URL)";
			return false;
		}
		buf_printf(&b, "https://%s.%s.com.br", account, env);
		e->base_url = xstrdup(buf_cstr(&b));
	}
	/* Pricing lives on its own host in production; the sandbox serves it under
	 * the base URL, with the account as the first path segment either way. */
	b.len = 0;
	buf_printf(&b, "%s/%s", base ? e->base_url : "https://api.vtex.com", account ? account : "");
	e->pricing_url = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return true;
}

void vtex_endpoint_free(vtex_endpoint *e)
{
	free(e->base_url);
	free(e->pricing_url);
	*e = (vtex_endpoint){ 0 };
}

/* Adds "Name: value" unless the value would break the header. */
static void gateway_header(http_client *c, const char *name, const char *value)
{
	if (!value || strpbrk(value, "\r\n"))
		return;
	buf h = { 0 };
	buf_printf(&h, "%s: %s", name, value);
	http_client_default_header(c, buf_cstr(&h));
	buf_free(&h);
}

static bool gateway_credentials(http_client *c, const char *gateway, const char **why, const char **hint)
{
	const char *err = NULL;
	const char *socket_path = http_unix_socket_path(gateway);
	if (socket_path)
		http_client_unix_socket(c, socket_path);
	const char *prio = cli_env("VTEX_GATEWAY_PRIORITY", "batch");
	if (strcmp(prio, "realtime") != 0 && strcmp(prio, "batch") != 0 && strcmp(prio, "backfill") != 0) {
		*why = "VTEX_GATEWAY_PRIORITY is not realtime, batch or backfill";
		*hint = "set VTEX_GATEWAY_PRIORITY=realtime, batch or backfill";
		return false;
	}
	char *token = secret_read("VTEX_GATEWAY_TOKEN", &err);
	if (err || (token && strpbrk(token, "\r\n"))) {
		secret_free(token);
		*why = "cannot use the gateway token";
		*hint = "check VTEX_GATEWAY_TOKEN or the file named by VTEX_GATEWAY_TOKEN_FILE";
		return false;
	}
	if (token) {
		buf h = { 0 };
		buf_printf(&h, "Authorization: Bearer %s", token);
		http_client_default_header(c, buf_cstr(&h));
		for (volatile char *p = h.data; p < h.data + h.len; p++)
			*p = 0;
		buf_free(&h);
		secret_free(token);
	}
	gateway_header(c, "X-VTEX-Pipes-Priority", prio);
	gateway_header(c, "X-VTEX-Pipes-Run-Id", cli_env("VTEX_PIPES_RUN_ID", NULL));
	gateway_header(c, "X-VTEX-Pipes-Flow", cli_env("VTEX_PIPES_FLOW", NULL));
	log_debug("through vtex-gateway", LS("priority", prio));
	return true;
}

static bool app_credentials(http_client *c, const char **why, const char **hint)
{
	const char *err = NULL;
	const char *key = cli_env("VTEX_APP_KEY", NULL);
	char *token = secret_read("VTEX_APP_TOKEN", &err);
	bool ok = false;

	if (err) {
		*why = "cannot read VTEX_APP_TOKEN_FILE";
		*hint = "check the file named by VTEX_APP_TOKEN_FILE";
	} else if (!key || !token) {
		*why = "VTEX credentials missing";
		*hint = "set VTEX_APP_KEY and VTEX_APP_TOKEN (or VTEX_APP_TOKEN_FILE)";
	} else if (strpbrk(key, "\r\n") || strpbrk(token, "\r\n")) {
		*why = "VTEX credentials hold a line break";
		*hint = "check VTEX_APP_KEY and the token";
	} else {
		buf h = { 0 };
		buf_printf(&h, "X-VTEX-API-AppKey: %s", key);
		http_client_default_header(c, buf_cstr(&h));
		h.len = 0;
		buf_printf(&h, "X-VTEX-API-AppToken: %s", token);
		http_client_default_header(c, buf_cstr(&h));
		/* Wipe our copy of the header line too. */
		secret_wipe(h.data, h.len);
		buf_free(&h);
		/* Only the key's last 4 characters, to tell keys apart in logs. */
		size_t n = strlen(key);
		log_debug("credentials loaded", LS("app_key_suffix", n > 4 ? key + n - 4 : ""));
		ok = true;
	}
	secret_free(token);
	return ok;
}

bool vtex_add_credentials(http_client *c, const char **why, const char **hint)
{
	const char *gateway = cli_env("VTEX_GATEWAY", NULL);
	if (gateway)
		return gateway_credentials(c, gateway, why, hint);
	return app_credentials(c, why, hint);
}
