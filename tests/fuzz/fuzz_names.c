/*
 * libFuzzer harness: name and address validation. Properties: what is
 * accepted is already in normal form (normalizing again changes nothing),
 * holds only [a-z0-9.-] (and a leading "*."), and an address prints back to
 * text that parses to the same address.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/entries.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *norm = NULL, *twice = NULL;
	char printed[64];
	struct ipaddr a, b;
	const char *p;

	if (name_normalize(text, 1, &norm, NULL) == 0) {
		for (p = norm; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '.' || *p == '-' || (*p == '*' && p == norm)))
				abort();
		if (strlen(norm) > 253)
			abort();
		if (name_normalize(norm, 1, &twice, NULL) != 0 || strcmp(norm, twice) != 0)
			abort();
	}
	if (ip_parse(text, 1, &a, NULL) == 0) {
		ip_format(&a, printed);
		if (ip_parse(printed, 0, &b, NULL) != 0 || ip_compare(&a, &b) != 0)
			abort();
	}
	free(norm);
	free(twice);
	free(text);
	return 0;
}
