/*
 * jsonsrc.c - (name, address) pairs from the JSON files users export.
 *
 * Users hand in whatever their tool printed: az flattens ARM's "properties"
 * wrappers, ARM and PowerShell do not, PowerShell capitalises keys and cuts
 * deep values into type-name strings, Windows writes UTF-16. Rather than one
 * parser per tool, an object is recognised by the keys it holds, looked up
 * without regard to case, in the object itself and in its "properties".
 *
 * This module only extracts strings; names.c decides whether they are
 * acceptable names and addresses. Pairs reach the caller's list only when
 * the whole file was read without error.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "hosts/entries.h"
#include "hosts/jsonsrc.h"
#include "base/quote.h"
#include "base/fileread.h"
#include "base/textenc.h"

/* How many top-level keys an "unrecognised file" message lists. */
#define KEYS_LISTED 10

/* A PowerShell value cut at ConvertTo-Json's depth: not an error by itself,
 * the caller may have an uncut copy (CustomDnsConfigsText). */
#define CUT (-2)

struct walk {
	const char *what;
	char **cause;
	struct raw_list pairs;
	int recognized;
	const char *cut_key;     /* set with CUT */
	struct strlist nic_ids;  /* NICs the file holds */
	struct strlist pe_names; /* private endpoints without names ... */
	struct strlist pe_nics;  /* ... and their NIC ids ("" if unknown) */
};

static int walk_value(struct walk *w, json_t *v);

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/*
 * obj[key], the key compared without regard to case; *out (a borrowed
 * reference, like every json_t * here but the parsed roots) is NULL when obj
 * is no object or has no such key. Two keys that differ only in case would
 * make the answer depend on their order, so they are an error.
 */
static int
jget(struct walk *w, json_t *obj, const char *key, json_t **out)
{
	const char *k, *found = NULL;
	json_t *v;
	char *a, *b;

	*out = NULL;
	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, k, v) {
		if (ascii_strcasecmp(k, key) != 0)
			continue;
		if (found != NULL) {
			a = quote_str(found);
			b = quote_str(k);
			set_error(w->cause, "'%s': keys '%s' and '%s' differ only in case",
			    w->what, a, b);
			free(a);
			free(b);
			return -1;
		}
		found = k;
		*out = v;
	}
	return 0;
}

/* obj[key], or obj.properties[key]: az flattens what ARM wraps. */
static int
jget2(struct walk *w, json_t *obj, json_t *props, const char *key, json_t **out)
{
	if (jget(w, obj, key, out) != 0)
		return -1;
	if (*out == NULL || json_is_null(*out))
		return jget(w, props, key, out);
	return 0;
}

/* "System.Collections.Generic.List`1[System.String]" and its kind: what
 * ConvertTo-Json writes for a value below its -Depth. */
static int
is_type_name(const json_t *v)
{
	const char *s;

	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	return strncmp(s, "System.", 7) == 0 || strncmp(s, "Microsoft.", 10) == 0 ||
	    strstr(s, "`1[") != NULL;
}

static int
depth_error(struct walk *w, const char *key)
{
	return set_error(w->cause, "'%s' was written by ConvertTo-Json with its default "
	    "depth of 2, which cut off %s; export it again with 'ConvertTo-Json -Depth 10'",
	    w->what, key);
}

static int
type_error(struct walk *w, const char *key, const json_t *v, const char *want)
{
	return set_error(w->cause, "'%s': '%s' is %s, not %s", w->what, key, type_name(v), want);
}

/*
 * A value that lists strings: absent or null (none), a string (one) or an
 * array of strings. *n is how many.
 */
static int
string_list(struct walk *w, json_t *v, const char *key, const char *pskey, size_t *n)
{
	size_t i;

	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (is_type_name(v)) {
		w->cut_key = pskey;
		return CUT;
	}
	if (json_is_string(v)) {
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return type_error(w, key, v, "a list of strings");
	for (i = 0; i < json_array_size(v); i++) {
		json_t *item = json_array_get(v, i);

		if (!json_is_string(item))
			return type_error(w, key, item, "a string");
	}
	*n = json_array_size(v);
	return 0;
}

static const char *
string_at(json_t *v, size_t i)
{
	return json_is_string(v) ? json_string_value(v) : json_string_value(json_array_get(v, i));
}

/* Every name in fq at every address in ip. */
static int
emit(struct walk *w, json_t *fq, const char *fqkey, const char *psfq,
    json_t *ip, const char *ipkey, const char *psip)
{
	size_t nf, ni, i, j;
	int rc;
	char *q;

	if ((rc = string_list(w, fq, fqkey, psfq, &nf)) != 0 ||
	    (rc = string_list(w, ip, ipkey, psip, &ni)) != 0)
		return rc;
	if (nf > 0 && ni == 0) {
		q = quote_str(string_at(fq, 0));
		set_error(w->cause, "'%s': '%s' is listed without an address ('%s')",
		    w->what, q, ipkey);
		free(q);
		return -1;
	}
	for (i = 0; i < nf; i++)
		for (j = 0; j < ni; j++)
			raw_list_add(&w->pairs, string_at(fq, i), string_at(ip, j));
	return 0;
}

static void
pairs_truncate(struct raw_list *l, size_t n)
{
	while (l->n > n) {
		l->n--;
		free(l->v[l->n].fqdn);
		free(l->v[l->n].ip);
	}
}

/* amlhosts resolve --format json: {"amlhosts": 1, "entries": [...]} */
static int
walk_own(struct walk *w, json_t *obj, json_t *version)
{
	json_t *entries, *e, *fq, *ip;
	size_t i;

	if (!json_is_integer(version) || json_integer_value(version) != 1)
		return set_error(w->cause, "'%s': this amlhosts reads format 1 of its own "
		    "output, not %s", w->what,
		    json_is_integer(version) ? "a later one" : type_name(version));
	if (jget(w, obj, "entries", &entries) != 0)
		return -1;
	if (entries == NULL)
		return set_error(w->cause, "'%s': 'entries' is missing", w->what);
	if (!json_is_array(entries))
		return type_error(w, "entries", entries, "an array");
	w->recognized = 1;
	json_array_foreach(entries, i, e) {
		if (!json_is_object(e))
			return type_error(w, "entries", e, "an object");
		if (jget(w, e, "fqdn", &fq) != 0 || jget(w, e, "ip", &ip) != 0)
			return -1;
		if (!json_is_string(fq))
			return fq ? type_error(w, "fqdn", fq, "a string") :
			    set_error(w->cause, "'%s': entry %zu has no 'fqdn'", w->what, i + 1);
		if (!json_is_string(ip))
			return ip ? type_error(w, "ip", ip, "a string") :
			    set_error(w->cause, "'%s': entry %zu has no 'ip'", w->what, i + 1);
		raw_list_add(&w->pairs, json_string_value(fq), json_string_value(ip));
	}
	return 0;
}

/* customDnsConfigs[] {fqdn, ipAddresses[]}; CUT when PowerShell cut it. */
static int
dns_configs(struct walk *w, json_t *cdc)
{
	json_t *item, *fq, *ips;
	size_t i;
	int rc;

	if (is_type_name(cdc)) {
		w->cut_key = "CustomDnsConfigs";
		return CUT;
	}
	if (!json_is_array(cdc))
		return type_error(w, "customDnsConfigs", cdc, "an array");
	json_array_foreach(cdc, i, item) {
		if (is_type_name(item)) {
			w->cut_key = "CustomDnsConfigs";
			return CUT;
		}
		if (!json_is_object(item))
			return type_error(w, "customDnsConfigs", item, "an object");
		if (jget(w, item, "fqdn", &fq) != 0 || jget(w, item, "ipAddresses", &ips) != 0)
			return -1;
		if (fq != NULL && !json_is_null(fq) && !json_is_string(fq))
			return type_error(w, "fqdn", fq, "a string");
		if ((rc = emit(w, fq, "fqdn", "Fqdn", ips, "ipAddresses", "IpAddresses")) != 0)
			return rc;
	}
	return 0;
}

/* PowerShell also writes the configs as JSON text, which no depth cuts. */
static int
dns_configs_text(struct walk *w, json_t *text)
{
	json_t *cdc;
	json_error_t err;
	int rc = CUT;

	if (!json_is_string(text))
		return CUT;
	cdc = json_loadb(json_string_value(text), json_string_length(text),
	    JSON_REJECT_DUPLICATES, &err);
	if (cdc == NULL)
		return CUT;
	if (json_is_array(cdc))
		rc = dns_configs(w, cdc);
	json_decref(cdc);
	return rc;
}

static int
walk_pe(struct walk *w, json_t *obj, json_t *props)
{
	json_t *cdc, *nics, *text, *name, *id = NULL;
	size_t before = w->pairs.n;
	int rc;

	if (jget2(w, obj, props, "customDnsConfigs", &cdc) != 0 ||
	    jget2(w, obj, props, "networkInterfaces", &nics) != 0)
		return -1;
	w->recognized = 1;
	if (cdc != NULL && !json_is_null(cdc)) {
		rc = dns_configs(w, cdc);
		if (rc == CUT) {
			pairs_truncate(&w->pairs, before);
			if (jget2(w, obj, props, "customDnsConfigsText", &text) != 0)
				return -1;
			rc = dns_configs_text(w, text);
			if (rc == CUT)
				return depth_error(w, w->cut_key);
		}
		if (rc != 0)
			return rc;
	}
	if (w->pairs.n > before || !json_is_array(nics) || json_array_size(nics) == 0)
		return 0;
	/* Names live on the NIC when a DNS zone group, not customDnsConfigs,
	 * holds them: fine if the file has that NIC too, checked at the end. */
	if (jget(w, json_array_get(nics, 0), "id", &id) != 0 || jget(w, obj, "name", &name) != 0)
		return -1;
	strlist_push(&w->pe_names, json_is_string(name) ? json_string_value(name) : "");
	strlist_push(&w->pe_nics, json_is_string(id) ? json_string_value(id) : "");
	return 0;
}

/* emit() where a list cut short by ConvertTo-Json's depth can only be
 * reported as such (no other shape can be tried instead). */
static int
emit_all(struct walk *w, json_t *fq, const char *fqkey, const char *psfq,
    json_t *ip, const char *ipkey, const char *psip)
{
	int rc = emit(w, fq, fqkey, psfq, ip, ipkey, psip);

	return rc == CUT ? depth_error(w, w->cut_key) : rc;
}

/* A NIC: ipConfigurations[] with privateLinkConnectionProperties.fqdns. */
static int
walk_nic(struct walk *w, json_t *obj, json_t *ipcs)
{
	json_t *ipc, *cp, *addr, *plc, *fqdns, *id;
	size_t i;
	int rc;

	if (is_type_name(ipcs))
		return depth_error(w, "IpConfigurations");
	if (!json_is_array(ipcs))
		return type_error(w, "ipConfigurations", ipcs, "an array");
	w->recognized = 1;
	if (jget(w, obj, "id", &id) != 0)
		return -1;
	if (json_is_string(id))
		strlist_push(&w->nic_ids, json_string_value(id));
	json_array_foreach(ipcs, i, ipc) {
		if (is_type_name(ipc))
			return depth_error(w, "IpConfigurations");
		if (!json_is_object(ipc))
			return type_error(w, "ipConfigurations", ipc, "an object");
		if (jget(w, ipc, "properties", &cp) != 0 ||
		    jget2(w, ipc, cp, "privateIPAddress", &addr) != 0 ||
		    jget2(w, ipc, cp, "privateLinkConnectionProperties", &plc) != 0)
			return -1;
		/* A NIC's own configurations, not a private endpoint's. */
		if (plc == NULL || json_is_null(plc))
			continue;
		if (is_type_name(plc))
			return depth_error(w, "PrivateLinkConnectionProperties");
		if (!json_is_object(plc))
			return type_error(w, "privateLinkConnectionProperties", plc, "an object");
		if (jget(w, plc, "fqdns", &fqdns) != 0)
			return -1;
		if (addr != NULL && !json_is_null(addr) && !json_is_string(addr))
			return type_error(w, "privateIPAddress", addr, "a string");
		if ((rc = emit_all(w, fqdns, "fqdns", "Fqdns", addr, "privateIPAddress",
		    "PrivateIpAddress")) != 0)
			return rc;
	}
	return 0;
}

/* privateDnsZoneConfigs[] {properties: {recordSets[] {fqdn, ipAddresses}}} */
static int
walk_zone_group(struct walk *w, json_t *configs)
{
	json_t *cfg, *cp, *sets, *rs, *type, *fq, *ips;
	size_t i, j;
	int rc;

	if (!json_is_array(configs))
		return type_error(w, "privateDnsZoneConfigs", configs, "an array");
	w->recognized = 1;
	json_array_foreach(configs, i, cfg) {
		if (!json_is_object(cfg))
			return type_error(w, "privateDnsZoneConfigs", cfg, "an object");
		if (jget(w, cfg, "properties", &cp) != 0 ||
		    jget2(w, cfg, cp, "recordSets", &sets) != 0)
			return -1;
		if (sets == NULL || json_is_null(sets))
			continue;
		if (!json_is_array(sets))
			return type_error(w, "recordSets", sets, "an array");
		json_array_foreach(sets, j, rs) {
			if (!json_is_object(rs))
				return type_error(w, "recordSets", rs, "an object");
			if (jget(w, rs, "recordType", &type) != 0 ||
			    jget(w, rs, "fqdn", &fq) != 0 || jget(w, rs, "ipAddresses", &ips) != 0)
				return -1;
			/* Private endpoints make A (and AAAA) records; hosts files
			 * hold nothing else. */
			if (json_is_string(type) && ascii_strcasecmp(json_string_value(type), "A") != 0 &&
			    ascii_strcasecmp(json_string_value(type), "AAAA") != 0)
				continue;
			if (fq != NULL && !json_is_null(fq) && !json_is_string(fq))
				return type_error(w, "fqdn", fq, "a string");
			if ((rc = emit_all(w, fq, "fqdn", "Fqdn", ips, "ipAddresses",
			    "IpAddresses")) != 0)
				return rc;
		}
	}
	return 0;
}

static int
has_pe_keys(struct walk *w, json_t *obj, json_t *props, int *yes)
{
	static const char *const keys[] = {
		"customDnsConfigs", "networkInterfaces", "privateLinkServiceConnections",
		"manualPrivateLinkServiceConnections", NULL
	};
	const char *const *k;
	json_t *v;

	*yes = 0;
	for (k = keys; *k != NULL; k++) {
		if (jget2(w, obj, props, *k, &v) != 0)
			return -1;
		if (v != NULL) {
			*yes = 1;
			return 0;
		}
	}
	if (jget(w, obj, "type", &v) != 0)
		return -1;
	*yes = json_is_string(v) &&
	    ascii_strcasecmp(json_string_value(v), "Microsoft.Network/privateEndpoints") == 0;
	return 0;
}

static int
walk_object(struct walk *w, json_t *obj)
{
	json_t *props, *v, *fq, *ip;
	int pe;

	if (jget(w, obj, "amlhosts", &v) != 0)
		return -1;
	if (v != NULL)
		return walk_own(w, obj, v);
	/* An ARM list ({"value": [...], "nextLink": ...}). */
	if (jget(w, obj, "value", &v) != 0)
		return -1;
	if (json_is_array(v))
		return walk_value(w, v);
	if (jget(w, obj, "properties", &props) != 0)
		return -1;
	if (!json_is_object(props))
		props = NULL;

	/* A bare pair: az nic show --query '...{IPAddress:..., FQDNs:...}',
	 * a customDnsConfigs item, a record set. */
	if (jget(w, obj, "fqdns", &fq) != 0 || (fq == NULL && jget(w, obj, "fqdn", &fq) != 0) ||
	    jget(w, obj, "ipAddresses", &ip) != 0 ||
	    (ip == NULL && jget(w, obj, "ipAddress", &ip) != 0))
		return -1;
	if (fq != NULL && ip != NULL) {
		w->recognized = 1;
		return emit_all(w, fq, "fqdns", "Fqdns", ip, "ipAddresses", "IpAddresses");
	}
	/* A private endpoint before a NIC: an ARM private endpoint has
	 * ipConfigurations too, which list static addresses, not names. */
	if (has_pe_keys(w, obj, props, &pe) != 0)
		return -1;
	if (pe)
		return walk_pe(w, obj, props);
	if (jget2(w, obj, props, "ipConfigurations", &v) != 0)
		return -1;
	if (v != NULL && !json_is_null(v))
		return walk_nic(w, obj, v);
	if (jget2(w, obj, props, "privateDnsZoneConfigs", &v) != 0)
		return -1;
	if (v != NULL && !json_is_null(v))
		return walk_zone_group(w, v);
	return 0;
}

static int
walk_value(struct walk *w, json_t *v)
{
	json_t *item;
	size_t i;

	if (json_is_object(v))
		return walk_object(w, v);
	if (!json_is_array(v))
		return 0;
	/* An empty list (az ... list with nothing in it) is a list of
	 * resources: the caller reports that no names were found. */
	if (json_array_size(v) == 0)
		w->recognized = 1;
	json_array_foreach(v, i, item)
		if (walk_value(w, item) != 0)
			return -1;
	return 0;
}

/* What the top level held, for the "not recognised" message. */
static char *
describe_top(json_t *root)
{
	struct buf b = BUF_INIT;
	const char *k;
	json_t *v;
	size_t n = 0;
	char *q;

	if (json_is_array(root)) {
		buf_printf(&b, "top level: an array of %zu item%s, none of them recognised",
		    json_array_size(root), json_array_size(root) == 1 ? "" : "s");
		return buf_detach(&b, NULL);
	}
	if (!json_is_object(root)) {
		buf_printf(&b, "top level: %s", type_name(root));
		return buf_detach(&b, NULL);
	}
	if (json_object_size(root) == 0)
		return xstrdup("top level: an empty object");
	buf_puts(&b, "top-level keys: ");
	json_object_foreach(root, k, v) {
		(void)v;
		if (n == KEYS_LISTED) {
			buf_puts(&b, ", ...");
			break;
		}
		q = quote_str(k);
		buf_printf(&b, "%s%s", n ? ", " : "", q);
		free(q);
		n++;
	}
	return buf_detach(&b, NULL);
}

/* Every private endpoint without names must have its NIC in the file. */
static int
check_pe_nics(struct walk *w)
{
	size_t i, j;
	int found;
	char *name, *id;

	for (i = 0; i < w->pe_names.n; i++) {
		found = 0;
		for (j = 0; j < w->nic_ids.n && !found; j++)
			found = w->pe_nics.v[i][0] != '\0' &&
			    ascii_strcasecmp(w->nic_ids.v[j], w->pe_nics.v[i]) == 0;
		if (found)
			continue;
		name = quote_str(w->pe_names.v[i]);
		id = quote_str(w->pe_nics.v[i][0] ? w->pe_nics.v[i] : "<id of its NIC>");
		set_error(w->cause, "'%s': private endpoint '%s' lists no customDnsConfigs; "
		    "its names are on its network interface: export the NIC instead with "
		    "'az network nic show --ids %s'", w->what, name, id);
		free(name);
		free(id);
		return -1;
	}
	return 0;
}

int
jsonsrc_parse(const char *p, size_t n, const char *what, struct raw_list *out, char **cause)
{
	struct buf text = BUF_INIT;
	json_t *root = NULL;
	json_error_t err;
	struct walk w;
	char *top = NULL, *msg = NULL;
	size_t i;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.what = what;
	w.cause = cause;
	raw_list_init(&w.pairs);
	strlist_init(&w.nic_ids);
	strlist_init(&w.pe_names);
	strlist_init(&w.pe_nics);

	if (text_to_utf8(p, n, &text, what, cause) != 0)
		goto out;
	root = json_loadb(text.data ? text.data : "", text.len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		/* jansson's own text names its flag, which means nothing to a user. */
		msg = json_error_code(&err) == json_error_null_character ?
		    xstrdup("a string holds a NUL character (\\u0000)") : quote_str(err.text);
		set_error(cause, "'%s' line %d column %d: %s", what, err.line, err.column, msg);
		goto out;
	}
	if (walk_value(&w, root) != 0)
		goto out;
	if (!w.recognized) {
		top = describe_top(root);
		set_error(cause, "'%s': no private-endpoint names found (%s); expected az "
		    "network nic show, az network private-endpoint show, Get-AzPrivateEndpoint | "
		    "ConvertTo-Json -Depth 10, a private DNS zone group, or amlhosts resolve "
		    "--format json output", what, top);
		goto out;
	}
	if (check_pe_nics(&w) != 0)
		goto out;
	for (i = 0; i < w.pairs.n; i++)
		raw_list_add(out, w.pairs.v[i].fqdn, w.pairs.v[i].ip);
	rc = 0;
out:
	free(msg);
	free(top);
	json_decref(root);
	buf_release(&text);
	raw_list_release(&w.pairs);
	strlist_release(&w.nic_ids);
	strlist_release(&w.pe_names);
	strlist_release(&w.pe_nics);
	return rc;
}

/*
 * What a failure to read the input is: one that is not readable (or a read
 * error) is the world's fault; one that is not there (a misspelt name), a
 * directory, a device, a FIFO or one that is too large is the input's.
 */
static enum jsonsrc_error
read_failure_kind(enum file_read_error kind)
{
	switch (kind) {
	case FILE_READ_NOT_FOUND:
	case FILE_READ_NOT_REGULAR:
	case FILE_READ_TOO_BIG:
		return JSONSRC_BAD_INPUT;
	default:
		return JSONSRC_UNREADABLE;
	}
}

enum jsonsrc_error
jsonsrc_load(const char *path, struct raw_list *out, char **cause)
{
	struct buf b = BUF_INIT;
	enum jsonsrc_error rc = JSONSRC_OK;
	enum file_read_error kind;

	if (strcmp(path, "-") == 0) {
		if (file_read_fd(0, "standard input", 0, JSONSRC_MAX_BYTES, &b, &kind, cause) != 0)
			rc = read_failure_kind(kind);
		else if (jsonsrc_parse(b.data, b.len, "standard input", out, cause) != 0)
			rc = JSONSRC_BAD_INPUT;
	} else if (file_read(path, FILE_READ_REGULAR, JSONSRC_MAX_BYTES, &b, NULL, &kind,
	    cause) != 0) {
		rc = read_failure_kind(kind);
		if (kind == FILE_READ_NOT_FOUND && cause != NULL)
			set_error(cause, "%s; check the file name (--from-json FILE, or json_file "
			    "in the configuration)", *cause);
	}
	else if (jsonsrc_parse(b.data, b.len, path, out, cause) != 0)
		rc = JSONSRC_BAD_INPUT;
	buf_release(&b);
	return rc;
}
