/*
 * targetplan.h - what both sides of the discovery split do with a configured
 * target: check it, turn its settings into names_derive() options, and turn
 * (name, address) pairs into its final entries.
 *
 * The writer (src/source) does this for a JSON file and again for what
 * amlhosts-azure answers; the helper (src/helper, src/azure) does it for
 * what Azure lists. Sharing it here keeps the two validations one.
 */
#ifndef AMLHOSTS_TARGETPLAN_H
#define AMLHOSTS_TARGETPLAN_H

#include "hosts/conf.h"
#include "hosts/entries.h"
#include "hosts/names.h"
#include "base/util.h"

/* Which lists to ask Azure for: "auto" (or unset) asks. */
#define TARGET_ASK_COMPUTES  0x1u
#define TARGET_ASK_ENDPOINTS 0x2u
#define TARGET_ASK_PROJECTS  0x4u

struct target_plan {
	struct derive_opts o;  /* cloud, names from the configuration, limits */
	struct cidr_list nets; /* allowed_networks, parsed; o points here */
	unsigned ask;          /* TARGET_ASK_*: only for an Azure target */
	int from_azure;        /* no json_file */
};

/* Check t (its cloud, that it names a source, its projects) and fill p.
 * -1 with *cause when the settings are unusable (bad input); p is then
 * released already. source names the pairs' origin in messages ("Azure",
 * a file name). */
int target_plan_init(struct target_plan *p, const struct config *c, const struct target_conf *t,
    const char *source, char **cause);
void target_plan_release(struct target_plan *p);

/* Names Azure found for a list the configuration left to it ("auto"). */
void target_plan_add_names(struct strlist *dst, const struct strlist *found);
/* A hub's projects ("NAME:GUID") found by Azure, used when the
 * configuration left them to it. -1 with *cause if one is malformed. */
int target_plan_add_projects(struct target_plan *p, const struct target_conf *t,
    const struct strlist *found, char **cause);

/* Validate raw and derive the target's entries into out (names_derive), and
 * refuse an empty result unless allow_empty: -1 with *cause (bad input). */
int target_plan_finish(struct target_plan *p, const struct target_conf *t,
    const struct raw_list *raw, struct entry_list *out, struct strlist *notes, char **cause);

#endif
