/* The one rule every tool applies to JSON text from outside, before cJSON
 * parses it: well-formed UTF-8, no raw control character (a string may hold
 * none, and between tokens only space, tab, CR and LF are allowed; cJSON
 * skips any byte below 0x21 there), and no escaped NUL (\u0000), which cJSON
 * decodes into a C string that ends at it: "x\u0000evil" would become "x". */
#ifndef VP_JSON_TEXT_H
#define VP_JSON_TEXT_H

#include <stddef.h>

/* NULL when text[0..len) passes; else why not (a static string). */
const char *json_text_problem(const char *text, size_t len);

#endif
