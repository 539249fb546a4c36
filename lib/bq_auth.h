/* Credentials for BigQuery (bq-load, bq-export), tried in this order:
 *  1. BQ_TOKEN or BQ_TOKEN_FILE: a bearer token used as it is (tests, or a
 *     token minted elsewhere);
 *  2. GOOGLE_APPLICATION_CREDENTIALS: a service-account key file; a JWT
 *     signed RS256 (OpenSSL) is exchanged at the key's token_uri for an
 *     access token;
 *  3. the GCE/GKE metadata server (Cloud Composer runs there):
 *     BQ_METADATA_URL, default http://metadata.google.internal.
 * Fetched tokens are cached until shortly before they expire (5 minutes, or
 * half the lifetime of a short-lived token), and dropped after a 401. */
#ifndef VP_BQ_AUTH_H
#define VP_BQ_AUTH_H

#include "http.h"

#include <stdbool.h>

typedef struct bq_auth bq_auth;

/* NULL and *exit_code set (78) when the configured credentials are unusable. */
bq_auth *bq_auth_new(const char *cacert, int *exit_code);
/* The bearer token to send now, fetching a new one if needed; NULL and
 * *exit_code set when none can be had. */
const char *bq_auth_token(bq_auth *a, int *exit_code);
/* Forgets the cached token (the API answered 401). False when the token is
 * fixed (BQ_TOKEN) and so cannot be renewed. */
bool bq_auth_invalidate(bq_auth *a);
void bq_auth_free(bq_auth *a);

/* For the tests: the RS256 JWT assertion for a key, at time now. */
char *bq_jwt_assertion(const char *client_email, const char *private_key_pem, const char *aud,
		       const char *key_id, long now);

#endif
