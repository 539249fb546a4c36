#include "bq_auth.h"
#include "base64.h"
#include "bq_http.h"
#include "cli.h"
#include "exitcode.h"
#include "log.h"
#include "secret.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCOPE "https://www.googleapis.com/auth/bigquery"

enum auth_kind { AUTH_FIXED, AUTH_KEY, AUTH_METADATA };

struct bq_auth {
	enum auth_kind kind;
	http_client *http;     /* token requests: few attempts, short timeouts */
	char *token;
	double refresh_at;     /* time() after which the token is renewed */
	/* service-account key */
	char *email, *key_pem, *key_id, *token_uri;
	char *metadata_url;
};

char *bq_jwt_assertion(const char *client_email, const char *private_key_pem, const char *aud,
		       const char *key_id, long now)
{
	buf hdr = { 0 }, claims = { 0 }, out = { 0 };
	buf_puts(&hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\"");
	if (key_id) {
		buf_puts(&hdr, ",\"kid\":");
		buf_json_string(&hdr, key_id, strlen(key_id));
	}
	buf_putc(&hdr, '}');
	buf_puts(&claims, "{\"iss\":");
	buf_json_string(&claims, client_email, strlen(client_email));
	buf_puts(&claims, ",\"scope\":\"" SCOPE "\",\"aud\":");
	buf_json_string(&claims, aud, strlen(aud));
	/* iat a little in the past allows for clock skew; exp at most 1 h after iat. */
	buf_printf(&claims, ",\"iat\":%ld,\"exp\":%ld}", now - 30, now - 30 + 3600);
	base64url_encode(&out, hdr.data, hdr.len);
	buf_putc(&out, '.');
	base64url_encode(&out, claims.data, claims.len);
	buf_free(&hdr);
	buf_free(&claims);

	char *result = NULL;
	BIO *bio = BIO_new_mem_buf(private_key_pem, -1);
	EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t siglen = 0;
	unsigned char *sig = NULL;
	if (pkey && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)out.data, out.len) == 1) {
		sig = xmalloc(siglen);
		if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out.data, out.len) == 1) {
			buf_putc(&out, '.');
			base64url_encode(&out, sig, siglen);
			result = xstrdup(buf_cstr(&out));
		}
	}
	free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	buf_free(&out);
	return result;
}

static char *json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) && *v->valuestring ? xstrdup(v->valuestring) : NULL;
}

static bool load_key(bq_auth *a, const char *path)
{
	const char *err;
	char *text = secret_read_file(path, &err);
	if (!text)
		return false;
	cJSON *k = cJSON_Parse(text);
	secret_free(text);
	if (k) {
		a->email = json_str(k, "client_email");
		a->key_pem = json_str(k, "private_key");
		a->key_id = json_str(k, "private_key_id");
		a->token_uri = json_str(k, "token_uri");
	}
	if (a->key_pem) {
		/* Wipe the parsed copy of the private key too. */
		cJSON *pk = cJSON_GetObjectItemCaseSensitive(k, "private_key");
		secret_wipe(pk->valuestring, strlen(pk->valuestring));
	}
	cJSON_Delete(k);
	if (!a->token_uri && a->email)
		a->token_uri = xstrdup("https://oauth2.googleapis.com/token");
	if (!a->email || !a->key_pem) {
		log_error("GOOGLE_APPLICATION_CREDENTIALS is not a service-account key (client_email, private_key)",
			  LS("path", path));
		return false;
	}
	return true;
}

bq_auth *bq_auth_new(const char *cacert, int *exit_code)
{
	bq_auth *a = xcalloc(1, sizeof *a);
	const char *err = NULL;
	http_options ho;
	http_options_default(&ho);
	ho.concurrency = 1;
	ho.connect_timeout_s = 5;
	ho.timeout_s = 30;
	ho.retry.max_attempts = 4;
	ho.cacert = cacert;
	a->http = http_client_new(&ho);

	a->token = secret_read("BQ_TOKEN", &err);
	const char *key = cli_env("GOOGLE_APPLICATION_CREDENTIALS", NULL);
	if (a->token) {
		a->kind = AUTH_FIXED;
	} else if (err) {
		*exit_code = VP_EXIT_CONFIG;
		bq_auth_free(a);
		return NULL;
	} else if (key) {
		a->kind = AUTH_KEY;
		if (!load_key(a, key)) {
			*exit_code = VP_EXIT_CONFIG;
			bq_auth_free(a);
			return NULL;
		}
	} else {
		a->kind = AUTH_METADATA;
		const char *base = cli_env("BQ_METADATA_URL", NULL);
		buf u = { 0 };
		buf_printf(&u, "%s/computeMetadata/v1/instance/service-accounts/default/token",
			   base ? base : "http://metadata.google.internal");
		a->metadata_url = xstrdup(buf_cstr(&u));
		buf_free(&u);
	}
	return a;
}

/* Reads {"access_token": ..., "expires_in": N}. */
static bool take_token(bq_auth *a, const char *body)
{
	cJSON *j = cJSON_Parse(body);
	char *tok = j ? json_str(j, "access_token") : NULL;
	const cJSON *exp = j ? cJSON_GetObjectItemCaseSensitive(j, "expires_in") : NULL;
	double life = cJSON_IsNumber(exp) ? exp->valuedouble : 3600;
	cJSON_Delete(j);
	if (!tok)
		return false;
	secret_free(a->token);
	a->token = tok;
	double margin = life / 2 < 300 ? life / 2 : 300;
	a->refresh_at = (double)time(NULL) + life - margin;
	log_debug("new BigQuery access token", LD("expires_in", life));
	return true;
}

static int fetch_token(bq_auth *a)
{
	http_request *r;
	bq_reply rep;
	if (a->kind == AUTH_KEY) {
		char *jwt = bq_jwt_assertion(a->email, a->key_pem, a->token_uri, a->key_id, (long)time(NULL));
		if (!jwt) {
			log_error("cannot sign the JWT with the service-account key (not an RSA private key?)");
			return VP_EXIT_CONFIG;
		}
		buf body = { 0 };
		buf_printf(&body, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Ajwt-bearer&assertion=%s", jwt);
		secret_free(jwt);
		r = http_request_new("POST", a->token_uri);
		http_request_header(r, "Content-Type: application/x-www-form-urlencoded");
		http_request_body(r, body.data, body.len);
		buf_free(&body);
	} else {
		r = http_request_new("GET", a->metadata_url);
		http_request_header(r, "Metadata-Flavor: Google");
	}
	http_request_label(r, "token");
	bq_http_do(a->http, r, &rep);
	int rc = VP_EXIT_OK;
	if (rep.outcome != HTTP_OUTCOME_OK) {
		log_error(a->kind == AUTH_KEY ? "cannot reach the OAuth token endpoint"
					      : "no BigQuery credentials: BQ_TOKEN and GOOGLE_APPLICATION_CREDENTIALS "
						"are unset and the metadata server does not answer",
			  LS("error", rep.error));
		/* An untrusted certificate or a bad URL is configuration; the rest may pass. */
		rc = a->kind == AUTH_KEY && rep.outcome != HTTP_OUTCOME_FATAL ? VP_EXIT_TEMPFAIL : VP_EXIT_CONFIG;
	} else if (rep.status != 200 || !take_token(a, rep.body.data)) {
		log_error("the token endpoint refused to issue an access token", LI("status", rep.status),
			  LS("key", a->kind == AUTH_KEY ? "service account" : "metadata server"));
		rc = VP_EXIT_CONFIG;
	}
	bq_reply_free(&rep);
	return rc;
}

const char *bq_auth_token(bq_auth *a, int *exit_code)
{
	if (a->kind != AUTH_FIXED && (!a->token || (double)time(NULL) >= a->refresh_at)) {
		int rc = fetch_token(a);
		if (rc != VP_EXIT_OK) {
			*exit_code = rc;
			return NULL;
		}
	}
	return a->token;
}

bool bq_auth_invalidate(bq_auth *a)
{
	if (a->kind == AUTH_FIXED)
		return false;
	secret_free(a->token);
	a->token = NULL;
	return true;
}

void bq_auth_free(bq_auth *a)
{
	if (!a)
		return;
	secret_free(a->token);
	secret_free(a->key_pem);
	free(a->email);
	free(a->key_id);
	free(a->token_uri);
	free(a->metadata_url);
	if (a->http)
		http_client_free(a->http);
	free(a);
}
