/*
 * names.c - from the pairs a source lists to every name a client needs.
 *
 * The order matters: pairs are validated first, so that every derived name
 * is built from a workspace GUID, region and address that already passed;
 * derived names are validated again as names (a long instance name could
 * push one over 253 characters), and the whole list is normalized last so
 * a derived name that contradicts a listed one is reported, not written.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hosts/names.h"
#include "base/quote.h"

#define UUID_LEN 36
#define LABEL_MAX 63

void
raw_list_init(struct raw_list *l)
{
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

void
raw_list_release(struct raw_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].fqdn);
		free(l->v[i].ip);
	}
	free(l->v);
	raw_list_init(l);
}

void
raw_list_add(struct raw_list *l, const char *fqdn, const char *ip)
{
	l->v = xgrow(l->v, l->n, &l->cap, sizeof *l->v, 16);
	l->v[l->n].fqdn = xstrdup(fqdn);
	l->v[l->n].ip = xstrdup(ip);
	l->n++;
}

/* The option's name lists, for init and release alike; returns how many. */
static size_t
opts_lists(struct derive_opts *o, struct strlist **l)
{
	l[0] = &o->compute_instances;
	l[1] = &o->online_endpoints;
	l[2] = &o->instance_hosts;
	l[3] = &o->endpoint_hosts;
	return 4;
}

void
derive_opts_init(struct derive_opts *o)
{
	struct strlist *l[4];
	size_t i, n;

	memset(o, 0, sizeof *o);
	n = opts_lists(o, l);
	for (i = 0; i < n; i++)
		strlist_init(l[i]);
}

void
derive_opts_release(struct derive_opts *o)
{
	struct strlist *l[4];
	size_t i, n = opts_lists(o, l);

	for (i = 0; i < n; i++)
		strlist_release(l[i]);
	for (i = 0; i < o->nprojects; i++) {
		free(o->projects[i].name);
		free(o->projects[i].guid);
	}
	free(o->projects);
	o->projects = NULL;
	o->nprojects = 0;
}

/* 8-4-4-4-12 hex digits; upper case too when upper is set. */
static int
is_uuid(const char *s, size_t n, int upper)
{
	size_t i;

	if (n != UUID_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (upper && c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

/* ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$, Azure's pattern for workspace names. */
static int
is_workspace_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 3 || n > 33)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/*
 * The part of name before ".<suffix>", when name ends in that suffix with
 * at least one label before it; NULL otherwise. Points into name; *len is
 * its length.
 */
static const char *
before_suffix(const char *name, const char *suffix, size_t *len)
{
	size_t n = strlen(name), m = strlen(suffix);

	if (n <= m + 1 || !name_has_suffix(name, suffix))
		return NULL;
	*len = n - m - 1;
	return name;
}

/* Is name "<guid>.workspace.<region>.<api>"? Fills new guid and region. */
static int
parse_api_name(const char *name, const char *api, char **guid, char **region)
{
	static const char mid[] = ".workspace.";
	const char *p, *r;
	size_t len, rlen;

	p = before_suffix(name, api, &len);
	if (p == NULL || len <= UUID_LEN + sizeof mid - 1)
		return 0;
	if (!is_uuid(p, UUID_LEN, 0) || strncmp(p + UUID_LEN, mid, sizeof mid - 1) != 0)
		return 0;
	r = p + UUID_LEN + sizeof mid - 1;
	rlen = len - UUID_LEN - (sizeof mid - 1);
	if (!label_is_valid(r, rlen))
		return 0;
	if (guid != NULL)
		*guid = xstrndup(p, UUID_LEN);
	if (region != NULL)
		*region = xstrndup(r, rlen);
	return 1;
}

/* Is name "*.<region>.<inference>"? Fills a new region. */
static int
parse_inference_wildcard(const char *name, const char *inference, char **region)
{
	const char *p;
	size_t len;

	if (!name_is_wildcard(name))
		return 0;
	p = before_suffix(name + 2, inference, &len);
	if (p == NULL || !label_is_valid(p, len))
		return 0;
	*region = xstrndup(p, len);
	return 1;
}

/* Is name "ml-...-<guid>.<region>.<notebooks>"? */
static int
is_notebooks_name(const char *name, const char *region, const char *guid,
    const char *notebooks)
{
	const char *p;
	size_t len, rlen = strlen(region), glen = strlen(guid);

	p = before_suffix(name, notebooks, &len);
	if (p == NULL || len < rlen + 2 || p[len - rlen - 1] != '.' ||
	    strncmp(p + len - rlen, region, rlen) != 0)
		return 0;
	len -= rlen + 1; /* the first label */
	if (memchr(p, '.', len) != NULL || len < 3 + glen + 1 || strncmp(p, "ml-", 3) != 0)
		return 0;
	return p[len - glen - 1] == '-' && strncmp(p + len - glen, guid, glen) == 0;
}

char *
names_notebooks_label(const char *workspace, const char *region, const char *guid)
{
	size_t fixed = strlen("ml-") + 1 + strlen(region) + 1 + strlen(guid);
	size_t keep;
	char *name = xstrdup(workspace), *s, *p, *q;

	/*
	 * Workspace names may hold '_', which no DNS label can. Azure drops it:
	 * workspace e2etest_test_86533533175 has the notebooks label
	 * ml-e2etesttest-... (a real notebookInfo.fqdn; the SDK's recordings).
	 * Dropped first, so the truncation below counts what remains.
	 */
	for (p = q = name; *p != '\0'; p++)
		if (*p != '_')
			*q++ = *p;
	*q = '\0';
	keep = strlen(name);
	/* Azure truncates the workspace name, and only it, to fit 63. */
	if (fixed >= LABEL_MAX)
		keep = 0;
	else if (keep > LABEL_MAX - fixed)
		keep = LABEL_MAX - fixed;
	s = xasprintf("ml-%.*s-%s-%s", (int)keep, name, region, guid);
	free(name);
	ascii_lower(s);
	return s;
}

int
names_find_workspace(const struct entry_list *l, const struct cloud *c,
    char **guid, char **region, struct ipaddr *addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (parse_api_name(l->v[i].name, c->api, guid, region)) {
			if (addr != NULL)
				*addr = l->v[i].addr;
			return 0;
		}
	return -1;
}

int
derive_parse_projects(struct derive_opts *o, const char *s, char **cause)
{
	struct strlist items = STRLIST_INIT;
	struct project *v = NULL;
	size_t i, j, n = 0;
	char *colon, *name, *guid, *q;
	int rc = -1;

	strlist_split_commas(&items, s);
	v = xreallocarray(NULL, items.n, sizeof *v);
	for (i = 0; i < items.n; i++) {
		colon = strchr(items.v[i], ':');
		if (colon == NULL || strchr(colon + 1, ':') != NULL) {
			q = quote_str(items.v[i]);
			set_error(cause, "'%s' is not NAME:GUID", q);
			free(q);
			goto out;
		}
		*colon = '\0';
		name = trim_blanks(items.v[i]);
		guid = trim_blanks(colon + 1);
		if (!is_workspace_name(name)) {
			q = quote_str(name);
			set_error(cause, "'%s' is not a workspace name (3-33 letters, digits, "
			    "'_' and '-', starting with a letter or digit)", q);
			free(q);
			goto out;
		}
		if (!is_uuid(guid, strlen(guid), 1)) {
			q = quote_str(guid);
			set_error(cause, "project '%s': '%s' is not a workspace GUID", name, q);
			free(q);
			goto out;
		}
		ascii_lower(guid);
		for (j = 0; j < n; j++)
			if (strcmp(v[j].guid, guid) == 0) {
				set_error(cause, "project GUID %s is given twice", guid);
				goto out;
			}
		v[n].name = xstrdup(name);
		v[n].guid = xstrdup(guid);
		n++;
	}
	o->projects = xreallocarray(o->projects, o->nprojects + n, sizeof *o->projects);
	memcpy(o->projects + o->nprojects, v, n * sizeof *v);
	o->nprojects += n;
	n = 0;
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].guid);
	}
	free(v);
	strlist_release(&items);
	return rc;
}

/* A (region, address) place where derived names go. */
struct site {
	char *region;
	struct ipaddr addr;
};
struct site_list {
	struct site *v;
	size_t n;
};

/* Add a place unless it is there already; takes region. */
static void
site_add(struct site_list *l, char *region, const struct ipaddr *addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].region, region) == 0 && ip_compare(&l->v[i].addr, addr) == 0) {
			free(region);
			return;
		}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].region = region;
	l->v[l->n].addr = *addr;
	l->n++;
}

static void
site_list_release(struct site_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].region);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *
site_list_describe(const struct site_list *l)
{
	struct buf b = BUF_INIT;
	char ip[64];
	size_t i;

	for (i = 0; i < l->n; i++) {
		ip_format(&l->v[i].addr, ip);
		buf_printf(&b, "%s%s in %s", i ? ", " : "", ip, l->v[i].region);
	}
	return buf_detach(&b, NULL);
}

struct derive {
	const struct derive_opts *o;
	const struct cloud *c;
	const struct cidr_list *nets;
	const char *src;
	struct entry_list list;  /* validated names, wildcards excepted */
	struct entry_list wild;  /* inference wildcards */
	struct strlist *notes;
	char **cause;
};

static void note(struct derive *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Notes are optional for the caller: NULL drops them. */
static void
note(struct derive *d, const char *fmt, ...)
{
	va_list ap;

	if (d->notes == NULL)
		return;
	va_start(ap, fmt);
	strlist_push_nocopy(d->notes, xvasprintf(fmt, ap));
	va_end(ap);
}

/* Remove the first "privatelink" label, in place: the block holds the name
 * clients ask for, which Azure DNS answers through a CNAME to it. */
static void
drop_privatelink(char *name)
{
	static const char pl[] = "privatelink";
	const size_t pll = sizeof pl - 1;
	char *p = name;

	for (;;) {
		if (strncmp(p, pl, pll) == 0 && (p[pll] == '.' || p[pll] == '\0')) {
			if (p[pll] == '.')
				memmove(p, p + pll + 1, strlen(p + pll + 1) + 1);
			else if (p > name)
				p[-1] = '\0';
			else
				*p = '\0';
			return;
		}
		p = strchr(p, '.');
		if (p == NULL)
			return;
		p++;
	}
}

/*
 * Does name lie in the cloud's zones or in allowed_suffixes? *by_user is
 * the allowed suffix that admits it when only the user's setting does
 * (NULL when the cloud's zones do), so that the caller can say so.
 */
static int
name_allowed(const struct derive *d, const char *name, const char **by_user)
{
	const struct strlist *s = d->o->allowed_suffixes;
	size_t i;

	*by_user = NULL;
	if (cloud_allows_name(d->c, name))
		return 1;
	if (s != NULL)
		for (i = 0; i < s->n; i++)
			if (name_has_suffix(name, s->v[i])) {
				*by_user = s->v[i];
				return 1;
			}
	return 0;
}

static int
take_pair(struct derive *d, const struct raw_pair *p)
{
	char *name = NULL, *plain = NULL, *why = NULL, *region = NULL, *nets = NULL;
	const char *by_user;
	struct ipaddr addr;
	char ip[64];
	int rc = -1;

	if (name_normalize(p->fqdn, 1, &name, &why) != 0) {
		set_error(d->cause, "'%s': %s", d->src, why);
		goto out;
	}
	drop_privatelink(name);
	/* Dropping a label could leave a name of one label or none. */
	if (name_normalize(name, 1, &plain, &why) != 0) {
		set_error(d->cause, "'%s': %s", d->src, why);
		goto out;
	}
	if (!name_allowed(d, plain, &by_user)) {
		if (d->o->from_azure) {
			/* Azure chose it: one name we cannot vouch for is no
			 * reason to keep the workspace's other names from the
			 * user. */
			note(d, "'%s' (%s), listed by Azure, is not an Azure private-link name "
			    "of %s known to amlhosts; left out (add its suffix to "
			    "allowed_suffixes if it should be written)", plain, p->ip, d->c->name);
			rc = 0;
		} else
			set_error(d->cause, "'%s' in '%s' is not an Azure private-link name of "
			    "%s (add its suffix to allowed_suffixes if it should be)", plain,
			    d->src, d->c->name);
		goto out;
	}
	if (ip_parse(p->ip, 1, &addr, &why) != 0) {
		set_error(d->cause, "'%s': %s (the address of '%s')", d->src, why, plain);
		goto out;
	}
	ip_format(&addr, ip);
	if (!cidr_list_contains(d->nets, &addr)) {
		nets = cidr_list_format(d->nets);
		set_error(d->cause, "'%s': '%s' is at %s, outside allowed_networks (%s); "
		    "add its network to allowed_networks if it is a private endpoint's address",
		    d->src, plain, ip, nets);
		goto out;
	}
	if (!name_is_wildcard(plain)) {
		entry_list_add(&d->list, plain, &addr);
		/* Only the user's setting vouches for it: say so, so that a
		 * name a tampered source slipped under a broad suffix shows. */
		if (by_user != NULL)
			note(d, "'%s' (%s) is not an Azure private-link name of %s known to "
			    "amlhosts; kept because allowed_suffixes names '%s'", plain, ip,
			    d->c->name, by_user);
	} else if (parse_inference_wildcard(plain, d->c->inference, &region))
		entry_list_add(&d->wild, plain, &addr);
	else if (name_has_suffix(plain, d->c->api) && d->o->wildcards != NULL)
		/* Azure lists "*.<guid>.inference.<region>.<api>" for the older
		 * inference route: real exports carry it, so it is no attack.
		 * The caller says it with the others (add_endpoints). */
		entry_list_add(&d->wild, plain, &addr);
	else if (name_has_suffix(plain, d->c->api) || name_has_suffix(plain, d->c->inference) ||
	    d->o->from_azure)
		/* The same route, other forms under the inference zone, or any
		 * wildcard Azure itself listed: left out, never a failure. */
		note(d, "'%s' (%s) is a wildcard, which a hosts file cannot hold; left out",
		    plain, ip);
	else {
		/* SPEC 7: a leading '*' only where Azure lists one. */
		set_error(d->cause, "'%s' in '%s' is a wildcard where Azure lists none",
		    plain, d->src);
		goto out;
	}
	rc = 0;
out:
	free(nets);
	free(region);
	free(why);
	free(plain);
	free(name);
	return rc;
}

/* Validate and add "<label>.<region>.<suffix>". */
static int
add_derived(struct derive *d, const char *label, const char *region, const char *suffix,
    const struct ipaddr *addr)
{
	char *full, *name = NULL, *why = NULL;
	int rc;

	full = xasprintf("%s.%s.%s", label, region, suffix);
	rc = name_normalize(full, 0, &name, &why);
	if (rc != 0)
		set_error(d->cause, "%s", why);
	else
		entry_list_add(&d->list, name, addr);
	free(why);
	free(name);
	free(full);
	return rc;
}

/* A user-given instance or endpoint name, lower-cased, as a DNS label. */
static char *
user_label(struct derive *d, const char *what, const char *s, const char *suffix)
{
	char *label = xasprintf("%s%s", s, suffix), *q;

	ascii_lower(label);
	if (label_is_valid(label, strlen(label)))
		return label;
	q = quote_str(s);
	set_error(d->cause, "%s name '%s'%s is not a valid DNS label (1-63 letters, digits "
	    "and '-', not starting or ending with '-')", what, q,
	    *suffix ? " with its SSH suffix" : "");
	free(q);
	free(label);
	return NULL;
}

/* Validate and add "<user label><suffix>.<region>.<zone>" at a site. */
static int
add_user_derived(struct derive *d, const char *what, const char *s, const char *suffix,
    const struct site *at, const char *zone)
{
	char *label = user_label(d, what, s, suffix);
	int rc;

	if (label == NULL)
		return -1;
	rc = add_derived(d, label, at->region, zone, &at->addr);
	free(label);
	return rc;
}

static void
add_cert_names(struct derive *d)
{
	char *guid, *region, *cert;
	struct ipaddr addr;
	size_t i, n = d->list.n;

	/* Older endpoints list only the api name; clients need both. */
	for (i = 0; i < n; i++) {
		if (!parse_api_name(d->list.v[i].name, d->c->api, &guid, &region))
			continue;
		cert = xasprintf("%s.workspace.%s.%s", guid, region, d->c->cert);
		/* A copy: adding may move the list. */
		addr = d->list.v[i].addr;
		if (entry_list_find_family(&d->list, cert, addr.family) < 0)
			entry_list_add(&d->list, cert, &addr);
		free(cert);
		free(guid);
		free(region);
	}
}

/*
 * The one place (region, address) of the source's workspace(s). Several
 * names at one place (a hub and its projects) are one answer; places that
 * differ leave no way to tell which workspace a compute instance is in.
 */
static int
workspace_site(struct derive *d, const char *purpose, struct site_list *sites)
{
	char *region, *where;
	size_t i;

	for (i = 0; i < d->list.n; i++)
		if (parse_api_name(d->list.v[i].name, d->c->api, NULL, &region))
			site_add(sites, region, &d->list.v[i].addr);
	if (sites->n == 0)
		return set_error(d->cause, "'%s' lacks the workspace name "
		    "<guid>.workspace.<region>.%s, so %s cannot be placed; export the "
		    "workspace's private endpoint (its NIC) rather than another resource",
		    d->src, d->c->api, purpose);
	if (sites->n > 1) {
		where = site_list_describe(sites);
		set_error(d->cause, "'%s' lists workspaces at more than one address (%s), so "
		    "it is unclear where %s belong; give each workspace its own target",
		    d->src, where, purpose);
		free(where);
		return -1;
	}
	return 0;
}

/*
 * A full name Azure gave in its own fields: added at the site when it is
 * "<label>.<site's region>.<zone>" for one of zones, else left out with a
 * note (Azure's field, not the user's setting: no reason to fail).
 */
static int
add_azure_host(struct derive *d, const char *what, const char *host, const struct site *at,
    const char *const *zones)
{
	size_t i, len, rlen = strlen(at->region);
	const char *p;
	char *label;
	int rc;

	for (i = 0; zones[i] != NULL; i++) {
		p = before_suffix(host, zones[i], &len);
		if (p == NULL || len < rlen + 2 || p[len - rlen - 1] != '.' ||
		    strncmp(p + len - rlen, at->region, rlen) != 0 ||
		    !label_is_valid(p, len - rlen - 1))
			continue;
		label = xstrndup(p, len - rlen - 1);
		rc = add_derived(d, label, at->region, zones[i], &at->addr);
		free(label);
		return rc;
	}
	note(d, "%s name '%s', listed by Azure, is not <name>.%s.%s; left out", what, host,
	    at->region, zones[0]);
	return 0;
}

/* Microsoft's docs name a second instance zone in the public cloud. */
static const char *
instances_alt(const struct cloud *c)
{
	return strcmp(c->instances, "instances.azureml.ms") == 0 ? "instances.ml.azure.ms" : NULL;
}

static int
add_instances(struct derive *d, const struct site *ws)
{
	const struct strlist *l = &d->o->compute_instances;
	const char *zones[3] = { d->c->instances, instances_alt(d->c), NULL };
	size_t i;

	for (i = 0; i < l->n; i++)
		if (add_user_derived(d, "compute instance", l->v[i], "", ws, d->c->instances) != 0 ||
		    (d->o->ssh_names && add_user_derived(d, "compute instance", l->v[i], "-22", ws,
		    d->c->instances) != 0))
			return -1;
	for (i = 0; i < d->o->instance_hosts.n; i++)
		if (add_azure_host(d, "compute application", d->o->instance_hosts.v[i], ws,
		    zones) != 0)
			return -1;
	return 0;
}

static int
add_endpoints(struct derive *d)
{
	const struct strlist *l = &d->o->online_endpoints;
	const char *zones[2] = { d->c->inference, NULL };
	struct site_list sites = { NULL, 0 };
	char *region, *where;
	size_t i;
	int rc = -1;

	if (l->n == 0 && d->o->endpoint_hosts.n == 0) {
		struct buf w = BUF_INIT;

		/* One note for all of them, and none when the user said there
		 * are no online endpoints to name. */
		if (d->wild.n == 0 || d->o->endpoints_none)
			return 0;
		if (d->o->wildcards != NULL) {
			/* The caller says them once for all targets, or writes
			 * them where a DNS server can hold them. */
			for (i = 0; i < d->wild.n; i++)
				entry_list_add(d->o->wildcards, d->wild.v[i].name,
				    &d->wild.v[i].addr);
			return entry_list_normalize(d->o->wildcards, d->cause);
		}
		for (i = 0; i < d->wild.n; i++)
			buf_printf(&w, "%s'%s' (%s)", i > 0 ? ", " : "", d->wild.v[i].name,
			    d->wild.v[i].ip);
		note(d, "%s %s a wildcard, which a hosts file cannot hold; name your online "
		    "endpoints with %s", w.data, d->wild.n > 1 ? "are each" : "is",
		    d->o->adhoc ? "--online-endpoint NAME" :
		    "'online_endpoints = NAME, ...' in the target's section");
		buf_release(&w);
		return 0;
	}
	for (i = 0; i < d->wild.n; i++) {
		if (parse_inference_wildcard(d->wild.v[i].name, d->c->inference, &region))
			site_add(&sites, region, &d->wild.v[i].addr);
	}
	if (sites.n == 0) {
		set_error(d->cause, "'%s' lacks the name *.<region>.%s, so online endpoint "
		    "names cannot be placed; export the workspace's private endpoint (its NIC)",
		    d->src, d->c->inference);
		goto out;
	}
	if (sites.n > 1) {
		where = site_list_describe(&sites);
		set_error(d->cause, "'%s' lists inference names at more than one address (%s), "
		    "so it is unclear where online endpoints belong; give each workspace its "
		    "own target", d->src, where);
		free(where);
		goto out;
	}
	for (i = 0; i < l->n; i++)
		if (add_user_derived(d, "online endpoint", l->v[i], "", &sites.v[0],
		    d->c->inference) != 0)
			goto out;
	for (i = 0; i < d->o->endpoint_hosts.n; i++)
		if (add_azure_host(d, "online endpoint scoring", d->o->endpoint_hosts.v[i],
		    &sites.v[0], zones) != 0)
			goto out;
	rc = 0;
out:
	site_list_release(&sites);
	return rc;
}

/* The hub's notebooks address: that of an ml-...-<guid> name of any
 * workspace at the hub's place (the hub's own, or a project's in amlhosts'
 * own output read back). */
static int
hub_notebooks(struct derive *d, const struct site *hub, struct ipaddr *nb)
{
	struct strlist guids = STRLIST_INIT;
	char *guid, *region, a[64], b[64];
	size_t i, j;
	int found = 0, rc = -1;

	for (i = 0; i < d->list.n; i++) {
		if (!parse_api_name(d->list.v[i].name, d->c->api, &guid, &region))
			continue;
		if (strcmp(region, hub->region) == 0 && ip_compare(&d->list.v[i].addr, &hub->addr) == 0)
			strlist_push(&guids, guid);
		free(guid);
		free(region);
	}
	for (i = 0; i < d->list.n; i++)
		for (j = 0; j < guids.n; j++) {
			if (!is_notebooks_name(d->list.v[i].name, hub->region, guids.v[j],
			    d->c->notebooks))
				continue;
			if (found && ip_compare(nb, &d->list.v[i].addr) != 0) {
				ip_format(nb, a);
				ip_format(&d->list.v[i].addr, b);
				set_error(d->cause, "'%s' lists notebooks names at %s and %s, so it "
				    "is unclear where the projects' notebooks names belong", d->src,
				    a, b);
				goto out;
			}
			*nb = d->list.v[i].addr;
			found = 1;
		}
	if (!found) {
		set_error(d->cause, "'%s' lacks the hub's notebooks name "
		    "ml-<name>-<region>-<guid>.<region>.%s, so the projects' names cannot be "
		    "placed; export the hub's private endpoint (its NIC)", d->src,
		    d->c->notebooks);
		goto out;
	}
	rc = 0;
out:
	strlist_release(&guids);
	return rc;
}

static int
add_projects(struct derive *d, const struct site *hub)
{
	const struct derive_opts *o = d->o;
	struct ipaddr nb;
	char *label = NULL;
	size_t i;
	int rc = -1;

	if (hub_notebooks(d, hub, &nb) != 0)
		return -1;
	for (i = 0; i < o->nprojects; i++) {
		label = xasprintf("%s.workspace", o->projects[i].guid);
		if (add_derived(d, label, hub->region, d->c->api, &hub->addr) != 0 ||
		    add_derived(d, label, hub->region, d->c->cert, &hub->addr) != 0)
			goto out;
		free(label);
		label = names_notebooks_label(o->projects[i].name, hub->region,
		    o->projects[i].guid);
		if (add_derived(d, label, hub->region, d->c->notebooks, &nb) != 0)
			goto out;
		free(label);
		label = NULL;
	}
	rc = 0;
out:
	free(label);
	return rc;
}

int
names_derive(const struct raw_list *raw, const struct derive_opts *o,
    struct entry_list *out, struct strlist *notes, char **cause)
{
	struct derive d;
	struct cidr_list defnets = { NULL, 0 };
	struct site_list sites = { NULL, 0 };
	const char *purpose;
	size_t i;
	int rc = -1;

	memset(&d, 0, sizeof d);
	d.o = o;
	d.c = o->cloud ? o->cloud : cloud_default();
	d.src = o->source ? o->source : "the source";
	d.notes = notes;
	d.cause = cause;
	entry_list_init(&d.list);
	entry_list_init(&d.wild);
	d.nets = o->allowed_networks;
	if (d.nets == NULL) {
		if (cidr_list_parse(NULL, &defnets, cause) != 0)
			goto out;
		d.nets = &defnets;
	}

	for (i = 0; i < raw->n; i++)
		if (take_pair(&d, &raw->v[i]) != 0)
			goto out;
	add_cert_names(&d);
	if (o->compute_instances.n > 0 || o->instance_hosts.n > 0 || o->nprojects > 0) {
		purpose = o->compute_instances.n > 0 ? "compute instance names" : "project names";
		if (workspace_site(&d, purpose, &sites) != 0)
			goto out;
		if (add_instances(&d, &sites.v[0]) != 0)
			goto out;
		if (o->nprojects > 0 && add_projects(&d, &sites.v[0]) != 0)
			goto out;
	}
	if (add_endpoints(&d) != 0)
		goto out;
	if (entry_list_normalize(&d.list, cause) != 0)
		goto out;
	for (i = 0; i < d.list.n; i++)
		entry_list_add(out, d.list.v[i].name, &d.list.v[i].addr);
	if (entry_list_normalize(out, cause) != 0)
		goto out;
	rc = 0;
out:
	site_list_release(&sites);
	entry_list_release(&d.list);
	entry_list_release(&d.wild);
	cidr_list_release(&defnets);
	return rc;
}
