/*
 * libFuzzer harness: the JSON shape reader and the derivation behind it.
 * Any input must end in pairs or a one-line error, never a crash, a leak or
 * a name that would not pass validation.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/cloud.h"
#include "hosts/jsonsrc.h"
#include "hosts/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct raw_list raw = RAW_LIST_INIT;
	struct entry_list out = ENTRY_LIST_INIT;
	struct strlist notes = STRLIST_INIT;
	struct derive_opts o;
	struct cidr_list nets = { NULL, 0 };
	char *cause = NULL, *norm = NULL;
	size_t i;

	if (jsonsrc_parse((const char *)data, size, "fuzz.json", &raw, &cause) == 0) {
		derive_opts_init(&o);
		o.cloud = cloud_default();
		if (cidr_list_parse(NULL, &nets, &cause) != 0)
			abort();
		o.allowed_networks = &nets;
		o.source = "fuzz.json";
		strlist_push(&o.compute_instances, "ci-one");
		strlist_push(&o.online_endpoints, "ep");
		if (names_derive(&raw, &o, &out, &notes, &cause) == 0) {
			/* Whatever got through must be a clean hosts-file name. */
			for (i = 0; i < out.n; i++) {
				if (name_normalize(out.v[i].name, 0, &norm, NULL) != 0 ||
				    strcmp(norm, out.v[i].name) != 0)
					abort();
				free(norm);
				norm = NULL;
			}
		}
		derive_opts_release(&o);
		cidr_list_release(&nets);
	} else if (cause == NULL || strchr(cause, '\n') != NULL)
		abort(); /* errors are one line */
	free(cause);
	strlist_release(&notes);
	entry_list_release(&out);
	raw_list_release(&raw);
	return 0;
}
