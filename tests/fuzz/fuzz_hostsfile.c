/*
 * libFuzzer harness: hosts-file parser and block rewrite. Properties: a
 * parsed file rewrites to bytes that parse again with the block holding
 * exactly our entries, and everything amlhosts does not own is unchanged
 * (uninstalling before and after gives the same bytes, a missing final
 * newline included), and no live line outside the
 * blocks maps a managed name as hostsline.h (and so verify) reads it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/hostsfile.h"
#include "hosts/hostsline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
restore_all(const char *p, size_t n, struct buf *out)
{
	struct hostsfile hf;

	if (hostsfile_parse(&hf, p, n, NULL) != 0)
		abort();
	if (hostsfile_rewrite(&hf, NULL, 0, 1, out, NULL, NULL) != 0)
		abort();
	hostsfile_release(&hf);
}

#define NAME_X "x.workspace.eastus.api.azureml.ms"
#define NAME_Y "y.workspace.eastus.api.azureml.ms"

static void
check_none_live(const struct hostsfile *hf)
{
	struct hostsline_field f;
	const char *p;
	size_t i, j = 0, n, pos, skip;

	for (i = 0; i < hf->nlines; i++) {
		if (j < hf->nblocks && hf->blocks[j].begin == i) {
			i = hf->blocks[j++].end;
			continue;
		}
		skip = i == 0 ? hostsline_bom(hf->data, hf->len) : 0;
		p = hf->data + hf->lines[i].off + skip;
		n = hf->lines[i].len - hf->lines[i].eol - skip;
		pos = 0;
		if (!hostsline_next(p, n, &pos, &f) || !hostsline_addr(p + f.off, f.len, NULL))
			continue;
		while (hostsline_next(p, n, &pos, &f))
			if (hostsline_names(p + f.off, f.len, NAME_X) ||
			    hostsline_names(p + f.off, f.len, NAME_Y))
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostsfile hf, again;
	struct entry_list el = ENTRY_LIST_INIT, back = ENTRY_LIST_INIT;
	struct ipaddr a;
	struct buf out = BUF_INIT, u1 = BUF_INIT, u2 = BUF_INIT;
	struct block_change ch = { "fz", NULL };
	char *cause = NULL;
	long b;

	if (hostsfile_parse(&hf, (const char *)data, size, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	if (ip_parse("10.1.0.5", 0, &a, NULL) != 0)
		abort();
	entry_list_add(&el, NAME_X, &a);
	entry_list_add(&el, NAME_Y, &a);
	ch.entries = &el;
	if (hostsfile_rewrite(&hf, &ch, 1, 0, &out, NULL, &cause) == 0) {
		if (hostsfile_parse(&again, out.data, out.len, NULL) != 0)
			abort();
		b = hostsfile_find_block(&again, "fz");
		if (b < 0)
			abort();
		hostsfile_block_entries(&again, (size_t)b, &back, NULL, NULL);
		if (back.n != 2)
			abort();
		check_none_live(&again);
		hostsfile_release(&again);
		restore_all((const char *)data, size, &u1);
		restore_all(out.data, out.len, &u2);
		if (u1.len != u2.len || memcmp(u1.data, u2.data, u1.len) != 0)
			abort();
	}
	free(cause);
	buf_release(&out);
	buf_release(&u1);
	buf_release(&u2);
	entry_list_release(&el);
	entry_list_release(&back);
	hostsfile_release(&hf);
	return 0;
}
