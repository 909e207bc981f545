#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hosts/cloud.h"
#include "hosts/entries.h"
#include "hosts/names.h"
#include "base/util.h"
#include "unit/cunit_main.h"

#define WSID "fb7e20a0-8891-458b-b969-55ddb3382f51"
#define API WSID ".workspace.eastus.api.azureml.ms"
#define CERT WSID ".workspace.eastus.cert.api.azureml.ms"
#define NB "ml-myws-eastus-" WSID ".eastus.notebooks.azure.net"
#define INF "*.eastus.inference.ml.azure.com"
#define PGUID "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define PGUID2 "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"

struct fx {
	struct raw_list raw;
	struct derive_opts o;
	struct strlist suffixes;
	struct cidr_list nets;
	struct entry_list out;
	struct strlist notes;
	char *cause;
	char *text; /* the result, "ip name" lines */
};

static void
fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	raw_list_init(&f->raw);
	derive_opts_init(&f->o);
	strlist_init(&f->suffixes);
	entry_list_init(&f->out);
	strlist_init(&f->notes);
	CU_ASSERT_EQUAL(cidr_list_parse(NULL, &f->nets, NULL), 0);
	f->o.cloud = cloud_default();
	f->o.allowed_networks = &f->nets;
	f->o.allowed_suffixes = &f->suffixes;
	f->o.source = "x.json";
}

static void
fx_release(struct fx *f)
{
	raw_list_release(&f->raw);
	derive_opts_release(&f->o);
	strlist_release(&f->suffixes);
	cidr_list_release(&f->nets);
	entry_list_release(&f->out);
	strlist_release(&f->notes);
	free(f->cause);
	free(f->text);
}

/* The usual workspace private endpoint: api, notebooks, inference. */
static void
fx_workspace(struct fx *f)
{
	raw_list_add(&f->raw, API, "10.1.0.5");
	raw_list_add(&f->raw, NB, "10.1.0.6");
	raw_list_add(&f->raw, INF, "10.1.0.7");
}

static int
fx_run(struct fx *f)
{
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	rc = names_derive(&f->raw, &f->o, &f->out, &f->notes, &f->cause);
	for (i = 0; i < f->out.n; i++)
		buf_printf(&b, "%s %s\n", f->out.v[i].ip, f->out.v[i].name);
	free(f->text);
	f->text = buf_detach(&b, NULL);
	if (rc != 0 && f->cause != NULL && getenv("UNIT_VERBOSE") != NULL)
		fprintf(stderr, "\n  cause: %s\n", f->cause);
	return rc;
}

static void
expect_text(const struct fx *f, const char *want)
{
	if (strcmp(f->text, want) != 0) {
		fprintf(stderr, "\n--- want\n%s--- got\n%s---\n", want, f->text);
		CU_FAIL("derived entries differ");
	}
}

static void
expect_cause(const struct fx *f, const char *part)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->cause);
	if (strstr(f->cause, part) == NULL) {
		fprintf(stderr, "\n  message '%s' lacks '%s'\n", f->cause, part);
		CU_FAIL("message");
	}
	CU_ASSERT_PTR_NULL(strchr(f->cause, '\n'));
}

static void
test_cert_added(void)
{
	struct fx f;

	fx_init(&f);
	fx_workspace(&f);
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 " NB "\n");
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 1);
	CU_ASSERT_STRING_EQUAL(f.notes.v[0], "'*.eastus.inference.ml.azure.com' (10.1.0.7) is a "
	    "wildcard, which a hosts file cannot hold; name your online endpoints with "
	    "'online_endpoints = NAME, ...' in the target's section");
	fx_release(&f);

	/* An ad-hoc target is told the option; "online_endpoints = none"
	 * says the user knows: no note. */
	fx_init(&f);
	fx_workspace(&f);
	f.o.adhoc = 1;
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.notes.v[0], "with --online-endpoint NAME"));
	fx_release(&f);
	fx_init(&f);
	fx_workspace(&f);
	f.o.endpoints_none = 1;
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_EQUAL(f.notes.n, 0);
	fx_release(&f);

	/* Notes are optional. */
	fx_init(&f);
	fx_workspace(&f);
	CU_ASSERT_EQUAL(names_derive(&f.raw, &f.o, &f.out, NULL, &f.cause), 0);
	CU_ASSERT_EQUAL(f.out.n, 3);
	fx_release(&f);

	/* Listed already: not doubled; listed elsewhere: kept where listed. */
	fx_init(&f);
	raw_list_add(&f.raw, API ".", "10.1.0.5");
	raw_list_add(&f.raw, "FB7E20A0-8891-458B-B969-55DDB3382F51.workspace.EastUS.cert.api.azureml.ms",
	    "10.1.0.5");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f, "10.1.0.5 " API "\n10.1.0.5 " CERT "\n");
	CU_ASSERT_EQUAL(f.notes.n, 0);
	fx_release(&f);
}

static void
test_instances(void)
{
	struct fx f;

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.compute_instances, "Alice-CI");
	strlist_push(&f.o.compute_instances, "bob");
	f.o.ssh_names = 1;
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 alice-ci-22.eastus.instances.azureml.ms\n"
	    "10.1.0.5 alice-ci.eastus.instances.azureml.ms\n"
	    "10.1.0.5 bob-22.eastus.instances.azureml.ms\n"
	    "10.1.0.5 bob.eastus.instances.azureml.ms\n"
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 " NB "\n");
	fx_release(&f);

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.compute_instances, "bob");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.text, "10.1.0.5 bob.eastus.instances.azureml.ms\n"));
	CU_ASSERT_PTR_NULL(strstr(f.text, "bob-22"));
	fx_release(&f);

	/* Without the workspace's API name there is no address for them. */
	fx_init(&f);
	raw_list_add(&f.raw, NB, "10.1.0.6");
	strlist_push(&f.o.compute_instances, "bob");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json' lacks the workspace name "
	    "<guid>.workspace.<region>.api.azureml.ms, so compute instance names cannot be placed");
	CU_ASSERT_EQUAL(f.out.n, 0);
	fx_release(&f);

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.compute_instances, "bad_name");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "compute instance name 'bad_name' is not a valid DNS label");
	fx_release(&f);

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.compute_instances, "evil\n10.0.0.1 x");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'evil\\x0a10.0.0.1 x'");
	fx_release(&f);

	/* Two workspaces at two addresses: which one is the instance in? */
	fx_init(&f);
	fx_workspace(&f);
	raw_list_add(&f.raw, PGUID ".workspace.westus.api.azureml.ms", "10.2.0.5");
	strlist_push(&f.o.compute_instances, "bob");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "more than one address (10.1.0.5 in eastus, 10.2.0.5 in westus)");
	fx_release(&f);

	/* A 61-character instance name fits; its -22 name does not. */
	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.compute_instances,
	    "a123456789012345678901234567890123456789012345678901234567890");
	f.o.ssh_names = 1;
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "with its SSH suffix is not a valid DNS label");
	fx_release(&f);
}

static void
test_endpoints(void)
{
	struct fx f;

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.online_endpoints, "churn");
	strlist_push(&f.o.online_endpoints, "Fraud-Score");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 " NB "\n"
	    "10.1.0.7 churn.eastus.inference.ml.azure.com\n"
	    "10.1.0.7 fraud-score.eastus.inference.ml.azure.com\n");
	CU_ASSERT_EQUAL(f.notes.n, 0);
	fx_release(&f);

	fx_init(&f);
	raw_list_add(&f.raw, API, "10.1.0.5");
	strlist_push(&f.o.online_endpoints, "churn");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json' lacks the name *.<region>.inference.ml.azure.com, so "
	    "online endpoint names cannot be placed");
	fx_release(&f);

	fx_init(&f);
	fx_workspace(&f);
	strlist_push(&f.o.online_endpoints, "no.dots");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "online endpoint name 'no.dots' is not a valid DNS label");
	fx_release(&f);
}

static void
test_wildcards(void)
{
	struct fx f;

	/* The older inference wildcard Azure lists is left out with a note. */
	fx_init(&f);
	raw_list_add(&f.raw, "*." WSID ".inference.eastus.api.azureml.ms", "10.1.0.5");
	raw_list_add(&f.raw, "st.blob.core.windows.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f, "10.1.0.8 st.blob.core.windows.net\n");
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 1);
	CU_ASSERT_STRING_EQUAL(f.notes.v[0], "'*." WSID ".inference.eastus.api.azureml.ms' "
	    "(10.1.0.5) is a wildcard, which a hosts file cannot hold; left out");
	fx_release(&f);

	/* A wildcard where Azure lists none is refused (SPEC 7). */
	fx_init(&f);
	raw_list_add(&f.raw, "*.blob.core.windows.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'*.blob.core.windows.net' in 'x.json' is a wildcard where Azure lists none");
	fx_release(&f);

	/* ... but a wildcard anywhere else is no name at all. */
	fx_init(&f);
	raw_list_add(&f.raw, "x.*.blob.core.windows.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json': 'x.*.blob.core.windows.net' is not a valid host name");
	fx_release(&f);
}

static void
test_privatelink(void)
{
	struct fx f;

	fx_init(&f);
	raw_list_add(&f.raw, "mywsstorage.privatelink.blob.core.windows.net", "10.1.0.8");
	raw_list_add(&f.raw, WSID ".workspace.eastus.privatelink.api.azureml.ms", "10.1.0.5");
	raw_list_add(&f.raw, "ml-myws-eastus-" WSID ".eastus.privatelink.notebooks.azure.net",
	    "10.1.0.6");
	raw_list_add(&f.raw, "myapp.scm.privatelink.azurewebsites.net", "10.1.0.9");
	/* Only a label equal to privatelink goes. */
	raw_list_add(&f.raw, "privatelinkx.blob.core.windows.net", "10.1.0.10");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 " NB "\n"
	    "10.1.0.8 mywsstorage.blob.core.windows.net\n"
	    "10.1.0.9 myapp.scm.azurewebsites.net\n"
	    "10.1.0.10 privatelinkx.blob.core.windows.net\n");
	fx_release(&f);

	/* A zone apex is no private-link name. */
	fx_init(&f);
	raw_list_add(&f.raw, "privatelink.blob.core.windows.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'blob.core.windows.net' in 'x.json' is not an Azure private-link name");
	fx_release(&f);
}

static void
test_foreign(void)
{
	static const char *const bad[] = {
		"login.microsoftonline.com", "github.com", "management.azure.com",
		"blob.core.windows.net", "evilblob.core.windows.net",
		"x.blob.core.windows.net.evil.com", "x.api.azureml.ms.evil.com",
		"x.blob.core.chinacloudapi.cn", NULL
	};
	const char *const *b;
	struct fx f;
	char *want;

	for (b = bad; *b != NULL; b++) {
		fx_init(&f);
		raw_list_add(&f.raw, API, "10.1.0.5");
		raw_list_add(&f.raw, *b, "10.1.0.5");
		CU_ASSERT_EQUAL(fx_run(&f), -1);
		want = xasprintf("'%s' in 'x.json' is not an Azure private-link name of AzureCloud "
		    "(add its suffix to allowed_suffixes if it should be)", *b);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f.cause);
		CU_ASSERT_STRING_EQUAL(f.cause, want);
		CU_ASSERT_EQUAL(f.out.n, 0);
		free(want);
		fx_release(&f);
	}

	/* allowed_suffixes and allowed_networks let other names in. */
	fx_init(&f);
	strlist_push(&f.suffixes, "Cosmos.COM");
	strlist_push(&f.suffixes, "exact.example.org");
	cidr_list_release(&f.nets);
	CU_ASSERT_EQUAL(cidr_list_parse("192.168.0.0/16", &f.nets, NULL), 0);
	raw_list_add(&f.raw, "abc.cosmos.com", "192.168.0.4");
	raw_list_add(&f.raw, "exact.example.org", "192.168.0.5");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f, "192.168.0.4 abc.cosmos.com\n192.168.0.5 exact.example.org\n");
	/* Kept, and said: only the user's setting admits them (issue 13). */
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 2);
	CU_ASSERT_STRING_EQUAL(f.notes.v[0], "'abc.cosmos.com' (192.168.0.4) is not an Azure "
	    "private-link name of AzureCloud known to amlhosts; kept because allowed_suffixes "
	    "names 'Cosmos.COM'");
	CU_ASSERT_STRING_EQUAL(f.notes.v[1], "'exact.example.org' (192.168.0.5) is not an "
	    "Azure private-link name of AzureCloud known to amlhosts; kept because "
	    "allowed_suffixes names 'exact.example.org'");
	fx_release(&f);

	/* A name the cloud's zones admit needs no note, whatever the
	 * suffixes say. */
	fx_init(&f);
	strlist_push(&f.suffixes, "core.windows.net");
	raw_list_add(&f.raw, "st.blob.core.windows.net", "10.1.0.4");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_EQUAL(f.notes.n, 0);
	fx_release(&f);
}

static void
test_addresses(void)
{
	struct fx f;

	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "8.8.8.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json': 'st.blob.core.windows.net' is at 8.8.8.8, outside "
	    "allowed_networks (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)");
	fx_release(&f);

	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "127.0.0.1");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json': '127.0.0.1' is a loopback address (the address of "
	    "'st.blob.core.windows.net')");
	fx_release(&f);

	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "10.1.0.4\n1.2.3.4 evil");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "is not an IP address");
	fx_release(&f);

	/* A NIC's prefix length is dropped; IPv6 ULA is private. */
	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "172.20.2.16/28");
	raw_list_add(&f.raw, "st.dfs.core.windows.net", "fd00::0010");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f, "172.20.2.16 st.blob.core.windows.net\nfd00::10 st.dfs.core.windows.net\n");
	fx_release(&f);

	/* One name, two addresses. */
	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "10.1.0.9");
	raw_list_add(&f.raw, "st.privatelink.blob.core.windows.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'st.blob.core.windows.net' maps to both 10.1.0.8 and 10.1.0.9");
	fx_release(&f);

	/* Without a network list, the default one applies. */
	fx_init(&f);
	f.o.allowed_networks = NULL;
	f.o.allowed_suffixes = NULL;
	f.o.cloud = NULL;
	f.o.source = NULL;
	raw_list_add(&f.raw, "st.blob.core.windows.net", "100.64.1.2");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f, "100.64.1.2 st.blob.core.windows.net\n");
	fx_release(&f);
}

static void
test_projects_parse(void)
{
	struct derive_opts o;
	char *cause = NULL;

	derive_opts_init(&o);
	CU_ASSERT_EQUAL(derive_parse_projects(&o, " proj-one:0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D ,"
	    "My_Project:" PGUID2, &cause), 0);
	CU_ASSERT_EQUAL_FATAL(o.nprojects, 2);
	CU_ASSERT_STRING_EQUAL(o.projects[0].name, "proj-one");
	CU_ASSERT_STRING_EQUAL(o.projects[0].guid, PGUID);
	CU_ASSERT_STRING_EQUAL(o.projects[1].name, "My_Project");
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "", &cause), 0);
	CU_ASSERT_EQUAL(o.nprojects, 2);

	CU_ASSERT_EQUAL(derive_parse_projects(&o, "justaname", &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "'justaname' is not NAME:GUID");
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "ab:" PGUID, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "'ab' is not a workspace name"));
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "_abc:" PGUID, &cause), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(cause, "'_abc' is not a workspace name"));
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "a234567890123456789012345678901234:" PGUID, &cause), -1);
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "proj:not-a-guid", &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "project 'proj': 'not-a-guid' is not a workspace GUID");
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "proj:" PGUID "x", &cause), -1);
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "proj:a:b", &cause), -1);
	CU_ASSERT_EQUAL(derive_parse_projects(&o, "p1x:" PGUID2 ", p2x:" PGUID2, &cause), -1);
	CU_ASSERT_STRING_EQUAL(cause, "project GUID " PGUID2 " is given twice");
	/* Failures add nothing. */
	CU_ASSERT_EQUAL(o.nprojects, 2);
	free(cause);
	derive_opts_release(&o);
}

static void
test_notebooks_label(void)
{
	char *s;

	s = names_notebooks_label("myws", "eastus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-myws-eastus-" WSID);
	free(s);
	/* Azure drops '_', then truncates what remains. */
	s = names_notebooks_label("MyWS_Dev", "eastus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-mywsdev-eastus-" WSID);
	free(s);
	/* A real notebookInfo.fqdn (the Azure SDK for Python's recordings):
	 * workspace e2etest_test_86533533175 in eastus2euap. */
	s = names_notebooks_label("e2etest_test_86533533175", "eastus2euap", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-e2etesttest-eastus2euap-" WSID);
	free(s);
	/* 3 + name + 1 + region + 1 + 36 <= 63: eastus leaves 16 for the name. */
	s = names_notebooks_label("averyveryverylongworkspacename01", "eastus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-averyveryverylon-eastus-" WSID);
	CU_ASSERT_EQUAL(strlen(s), 63);
	free(s);
	s = names_notebooks_label("a234567890123456", "eastus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-a234567890123456-eastus-" WSID);
	CU_ASSERT_EQUAL(strlen(s), 63);
	free(s);
	s = names_notebooks_label("a2345678901234567", "eastus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-a234567890123456-eastus-" WSID);
	free(s);
	s = names_notebooks_label("mlworkspace-prod", "australiaeast", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-mlworkspa-australiaeast-" WSID);
	CU_ASSERT_EQUAL(strlen(s), 63);
	free(s);
	s = names_notebooks_label("mlworkspace-prod", "southcentralus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-mlworksp-southcentralus-" WSID);
	CU_ASSERT_EQUAL(strlen(s), 63);
	free(s);
	s = names_notebooks_label("abc", "southcentralus", WSID);
	CU_ASSERT_STRING_EQUAL(s, "ml-abc-southcentralus-" WSID);
	free(s);
}

/* Names Azure gives in its own fields (endpointUri, scoringUri), and names
 * Azure lists that amlhosts does not know. */
static void
test_azure_hosts(void)
{
	struct fx f;

	fx_init(&f);
	fx_workspace(&f);
	f.o.from_azure = 1;
	strlist_push(&f.o.instance_hosts, "alice-ci-8787.eastus.instances.azureml.ms");
	strlist_push(&f.o.instance_hosts, "alice-ci.eastus.instances.ml.azure.ms");
	strlist_push(&f.o.instance_hosts, "bob-ci.westus.instances.azureml.ms");
	strlist_push(&f.o.endpoint_hosts, "churn.eastus.inference.ml.azure.com");
	raw_list_add(&f.raw, "*." WSID ".eastus.inference.ml.azure.com", "10.1.0.7");
	raw_list_add(&f.raw, "x.privatelink.example.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 alice-ci-8787.eastus.instances.azureml.ms\n"
	    "10.1.0.5 alice-ci.eastus.instances.ml.azure.ms\n"
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 " NB "\n"
	    "10.1.0.7 churn.eastus.inference.ml.azure.com\n");
	/* bob-ci in another region, the odd wildcard, the unknown zone */
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 3);
	CU_ASSERT_STRING_EQUAL(f.notes.v[0], "'*." WSID ".eastus.inference.ml.azure.com' "
	    "(10.1.0.7) is a wildcard, which a hosts file cannot hold; left out");
	CU_ASSERT_STRING_EQUAL(f.notes.v[1], "'x.example.net' (10.1.0.8), listed by Azure, is "
	    "not an Azure private-link name of AzureCloud known to amlhosts; left out (add "
	    "its suffix to allowed_suffixes if it should be written)");
	CU_ASSERT_STRING_EQUAL(f.notes.v[2], "compute application name "
	    "'bob-ci.westus.instances.azureml.ms', listed by Azure, is not "
	    "<name>.eastus.instances.azureml.ms; left out");
	fx_release(&f);

	/* From a file, an unknown zone stays an error. */
	fx_init(&f);
	fx_workspace(&f);
	raw_list_add(&f.raw, "x.privatelink.example.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "is not an Azure private-link name");
	fx_release(&f);

	/* From Azure, an unknown zone that allowed_suffixes names is kept
	 * with a note (issue 13). */
	fx_init(&f);
	fx_workspace(&f);
	f.o.from_azure = 1;
	strlist_push(&f.suffixes, "example.net");
	raw_list_add(&f.raw, "x.privatelink.example.net", "10.1.0.8");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.text, "10.1.0.8 x.example.net\n"));
	CU_ASSERT_EQUAL_FATAL(f.notes.n, 2);
	CU_ASSERT_STRING_EQUAL(f.notes.v[0], "'x.example.net' (10.1.0.8) is not an Azure "
	    "private-link name of AzureCloud known to amlhosts; kept because allowed_suffixes "
	    "names 'example.net'");
	fx_release(&f);
}

static void
test_projects_derive(void)
{
	struct fx f;

	fx_init(&f);
	fx_workspace(&f);
	CU_ASSERT_EQUAL_FATAL(derive_parse_projects(&f.o, "proj-one:" PGUID
	    ", Churn_Prediction_Project_2024:" PGUID2, NULL), 0);
	strlist_push(&f.o.online_endpoints, "churn");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 " PGUID ".workspace.eastus.api.azureml.ms\n"
	    "10.1.0.5 " PGUID ".workspace.eastus.cert.api.azureml.ms\n"
	    "10.1.0.5 " PGUID2 ".workspace.eastus.api.azureml.ms\n"
	    "10.1.0.5 " PGUID2 ".workspace.eastus.cert.api.azureml.ms\n"
	    "10.1.0.5 " API "\n"
	    "10.1.0.5 " CERT "\n"
	    "10.1.0.6 ml-churnpredictionp-eastus-" PGUID2 ".eastus.notebooks.azure.net\n"
	    "10.1.0.6 " NB "\n"
	    "10.1.0.6 ml-proj-one-eastus-" PGUID ".eastus.notebooks.azure.net\n"
	    "10.1.0.7 churn.eastus.inference.ml.azure.com\n");
	fx_release(&f);

	/* Without the hub's notebooks name, the projects' have no address. */
	fx_init(&f);
	raw_list_add(&f.raw, API, "10.1.0.5");
	CU_ASSERT_EQUAL_FATAL(derive_parse_projects(&f.o, "proj-one:" PGUID, NULL), 0);
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "'x.json' lacks the hub's notebooks name");
	fx_release(&f);

	fx_init(&f);
	raw_list_add(&f.raw, NB, "10.1.0.6");
	CU_ASSERT_EQUAL_FATAL(derive_parse_projects(&f.o, "proj-one:" PGUID, NULL), 0);
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "so project names cannot be placed");
	fx_release(&f);
}

static void
test_find_workspace(void)
{
	struct fx f;
	char *guid = NULL, *region = NULL, ip[64];
	struct ipaddr a;

	fx_init(&f);
	raw_list_add(&f.raw, "st.blob.core.windows.net", "10.1.0.8");
	raw_list_add(&f.raw, CERT, "10.1.0.5");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_EQUAL(names_find_workspace(&f.out, cloud_default(), &guid, &region, &a), -1);
	fx_release(&f);

	fx_init(&f);
	fx_workspace(&f);
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	CU_ASSERT_EQUAL_FATAL(names_find_workspace(&f.out, cloud_default(), &guid, &region, &a), 0);
	CU_ASSERT_STRING_EQUAL(guid, WSID);
	CU_ASSERT_STRING_EQUAL(region, "eastus");
	ip_format(&a, ip);
	CU_ASSERT_STRING_EQUAL(ip, "10.1.0.5");
	free(guid);
	free(region);
	fx_release(&f);
}

static void
test_sovereign(void)
{
	struct fx f;

	fx_init(&f);
	f.o.cloud = cloud_find("azurechinacloud");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f.o.cloud);
	raw_list_add(&f.raw, WSID ".workspace.chinaeast2.api.ml.azure.cn", "10.1.0.5");
	raw_list_add(&f.raw, "*.chinaeast2.inference.ml.azure.cn", "10.1.0.7");
	raw_list_add(&f.raw, "st.privatelink.blob.core.chinacloudapi.cn", "10.1.0.8");
	strlist_push(&f.o.compute_instances, "ci1");
	strlist_push(&f.o.online_endpoints, "ep1");
	CU_ASSERT_EQUAL(fx_run(&f), 0);
	expect_text(&f,
	    "10.1.0.5 ci1.chinaeast2.instances.azureml.cn\n"
	    "10.1.0.5 " WSID ".workspace.chinaeast2.api.ml.azure.cn\n"
	    "10.1.0.5 " WSID ".workspace.chinaeast2.cert.api.ml.azure.cn\n"
	    "10.1.0.7 ep1.chinaeast2.inference.ml.azure.cn\n"
	    "10.1.0.8 st.blob.core.chinacloudapi.cn\n");
	fx_release(&f);

	fx_init(&f);
	f.o.cloud = cloud_find("AzureUSGovernment");
	raw_list_add(&f.raw, API, "10.1.0.5");
	CU_ASSERT_EQUAL(fx_run(&f), -1);
	expect_cause(&f, "is not an Azure private-link name of AzureUSGovernment");
	fx_release(&f);
}

static void
test_cloud_table(void)
{
	static const char *const pub[] = { "api.azureml.ms", "notebooks.azure.net",
		"instances.azureml.ms", "aznbcontent.net", "inference.ml.azure.com" };
	static const char *const cn[] = { "api.ml.azure.cn", "notebooks.chinacloudapi.cn",
		"instances.azureml.cn", "aznbcontent.net", "inference.ml.azure.cn" };
	static const char *const us[] = { "api.ml.azure.us", "notebooks.usgovcloudapi.net",
		"instances.azureml.us", "aznbcontent.net", "inference.ml.azure.us" };
	const struct cloud *c;
	size_t i;

	CU_ASSERT_PTR_NULL(cloud_find("AzureGermanCloud"));
	CU_ASSERT_PTR_NULL(cloud_find(NULL));
	CU_ASSERT_STRING_EQUAL(cloud_names(), "AzureCloud, AzureChinaCloud, AzureUSGovernment");

	c = cloud_default();
	CU_ASSERT_PTR_EQUAL(c, cloud_find("AZURECLOUD"));
	CU_ASSERT_STRING_EQUAL(c->name, "AzureCloud");
	CU_ASSERT_STRING_EQUAL(c->cert, "cert.api.azureml.ms");
	CU_ASSERT_STRING_EQUAL(c->arm_endpoint, "https://management.azure.com");
	CU_ASSERT_STRING_EQUAL(c->login_endpoint, "https://login.microsoftonline.com");
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(c->forward_zones[i], pub[i]);
	CU_ASSERT_PTR_NULL(c->forward_zones[5]);
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.blob.core.windows.net"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.vaultcore.azure.net"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "myreg.eastus.data.azurecr.io"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.openai.azure.com"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.services.ai.azure.com"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "ml-x.eastus.notebooks.azure.net"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.eastus.inference.ml.azure.com"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.aznbcontent.net"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "login.microsoftonline.com"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "github.com"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "management.azure.com"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "azurecr.io"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "x.blob.core.usgovcloudapi.net"));

	c = cloud_find("AzureChinaCloud");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->api, "api.ml.azure.cn");
	CU_ASSERT_STRING_EQUAL(c->cert, "cert.api.ml.azure.cn");
	CU_ASSERT_STRING_EQUAL(c->notebooks, "notebooks.chinacloudapi.cn");
	CU_ASSERT_STRING_EQUAL(c->instances, "instances.azureml.cn");
	CU_ASSERT_STRING_EQUAL(c->inference, "inference.ml.azure.cn");
	CU_ASSERT_STRING_EQUAL(c->arm_endpoint, "https://management.chinacloudapi.cn");
	CU_ASSERT_STRING_EQUAL(c->login_endpoint, "https://login.chinacloudapi.cn");
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(c->forward_zones[i], cn[i]);
	CU_ASSERT_PTR_NULL(c->forward_zones[5]);
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.vault.azure.cn"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.azurecr.cn"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "x.blob.core.windows.net"));

	c = cloud_find("azureusgovernment");
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c->api, "api.ml.azure.us");
	CU_ASSERT_STRING_EQUAL(c->cert, "cert.api.ml.azure.us");
	CU_ASSERT_STRING_EQUAL(c->notebooks, "notebooks.usgovcloudapi.net");
	CU_ASSERT_STRING_EQUAL(c->instances, "instances.azureml.us");
	CU_ASSERT_STRING_EQUAL(c->inference, "inference.ml.azure.us");
	CU_ASSERT_STRING_EQUAL(c->arm_endpoint, "https://management.usgovcloudapi.net");
	CU_ASSERT_STRING_EQUAL(c->login_endpoint, "https://login.microsoftonline.us");
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(c->forward_zones[i], us[i]);
	CU_ASSERT_PTR_NULL(c->forward_zones[5]);
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.core.usgovcloudapi.net") == 0);
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.blob.core.usgovcloudapi.net"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.vault.usgovcloudapi.net"));
	CU_ASSERT_TRUE(cloud_allows_name(c, "x.azurecr.us"));
	CU_ASSERT_FALSE(cloud_allows_name(c, "login.microsoftonline.us"));
}

static const struct unit_test names_tests[] = {
	{ "cert added", test_cert_added },
	{ "compute instances", test_instances },
	{ "online endpoints", test_endpoints },
	{ "wildcards", test_wildcards },
	{ "privatelink label", test_privatelink },
	{ "foreign names", test_foreign },
	{ "addresses", test_addresses },
	{ "projects parse", test_projects_parse },
	{ "notebooks label", test_notebooks_label },
	{ "projects derive", test_projects_derive },
	{ "azure hosts", test_azure_hosts },
	{ "find workspace", test_find_workspace },
	{ "sovereign clouds", test_sovereign },
	{ "cloud table", test_cloud_table },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "names", names_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
