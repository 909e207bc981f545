/* libFuzzer harness: the configuration reader (inih plus our checks). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char *text, *cause = NULL;

	text = xstrndup((const char *)data, size); /* a NUL inside ends the text */
	config_init(&c);
	if (config_parse_string(&c, text, "fuzz.conf", &cause) != 0 &&
	    (cause == NULL || strchr(cause, '\n') != NULL))
		abort();
	config_release(&c);
	free(cause);
	free(text);
	return 0;
}
