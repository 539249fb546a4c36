/* Secrets come from the environment or from a file, never from argv.
 * secret_read("VTEX_APP_TOKEN") looks at $VTEX_APP_TOKEN, then at the file
 * named by $VTEX_APP_TOKEN_FILE. A file readable by its group or by every
 * user is refused (an error naming the path), unless
 * VTEX_PIPES_ALLOW_SHARED_SECRET_FILE=1 (e.g. a mounted secret volume whose
 * mode cannot be chosen), which turns the refusal into a warning.
 * Trailing newlines are stripped. The value is never logged. */
#ifndef VP_SECRET_H
#define VP_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Returns a malloc'd secret, or NULL when neither source is set; on a file
 * that cannot be read, NULL with *err set to a message (static storage). */
char *secret_read(const char *env_name, const char **err);
/* Reads a secret from a named file (e.g. a --secret-file flag). */
char *secret_read_file(const char *path, const char **err);
/* A TLS PEM file: the private key read as a secret (secret_read_file: only
 * its owner may read it), the certificate as it is. NULL with *err when it
 * cannot be read or holds no PEM block. */
char *tls_pem_read(const char *path, bool private_key, const char **err);
/* Compares a presented value with the secret in time that depends only on
 * their lengths, not on where they first differ. NULL given: false. */
bool secret_equal(const char *given, const char *secret);
/* Overwrites n bytes at p with zeros, in a way the compiler may not remove as
 * a dead store (explicit_bzero): for every copy of a secret before it is freed. */
void secret_wipe(void *p, size_t n);
/* Wipes (secret_wipe) and frees a secret string; NULL is ignored. */
void secret_free(char *s);

#endif
