/*
 * armjson.h - reading the JSON that ARM, Entra ID and the managed identity
 * endpoints answer: the one home of the azure layer's key lookups and of its
 * error-body decoder.
 *
 * Keys are looked up exactly first, then without regard to case: az and ARM
 * differ in capitals ("Message" / "message").
 */
#ifndef AMLHOSTS_ARMJSON_H
#define AMLHOSTS_ARMJSON_H

#include <stddef.h>
#include <jansson.h>

/* o[key] (borrowed), or NULL when o is no object or has no such key. */
json_t *armjson_get(json_t *o, const char *key);
/* o[key] when it is a string, else NULL. */
const char *armjson_str(json_t *o, const char *key);
/* o.properties[key], else o[key]: ARM wraps most fields in "properties". */
json_t *armjson_prop(json_t *o, const char *key);

/*
 * What an error answer says, from any of the shapes the services use:
 *   ARM:         {"error": {"code": "...", "message": "..."}}
 *   Entra ID:    {"error": "invalid_client", "error_description": "..."}
 *   App Service: {"message": "..."} (or "Message")
 * Decisions (is the token expired?) are made on code, never on message.
 */
struct armjson_error {
	char *code;     /* error.code, or Entra ID's "error" string; NULL if none */
	char *message;  /* error.message, or Entra ID's error_description; NULL if none */
	char *text;     /* a bare top-level "message" (App Service); NULL if none */
};

/* Decode body; 0 when it is a JSON object (fields possibly all NULL), -1
 * when it is not JSON at all (a gateway's HTML, say). Release either way. */
int armjson_error_decode(const char *body, size_t len, struct armjson_error *out);
void armjson_error_release(struct armjson_error *e);

#endif
