/* Unit tests of dependencies.c: which ids a workspace names, and what a
 * dependency's answer leads to. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "azure/dependencies.h"
#include "unit/cunit_main.h"

#define RG "/subscriptions/s/resourceGroups/rg/providers/"

static json_t *
load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	return j;
}

static void
test_collect(void)
{
	/* A hub: single keys null and "", arrays; ids repeated in another
	 * case; a type not followed (Application Insights). */
	json_t *ws = load("{\"properties\":{\"storageAccount\":null,\"keyVault\":\"\","
	    "\"containerRegistry\":\"" RG "Microsoft.ContainerRegistry/registries/cr\","
	    "\"applicationInsights\":\"" RG "microsoft.insights/components/ai\","
	    "\"storageAccounts\":[\"" RG "Microsoft.Storage/storageAccounts/st1\","
	    "\"" RG "microsoft.storage/STORAGEACCOUNTS/st1\",7,"
	    "\"" RG "Microsoft.Storage/storageAccounts/st2\"],"
	    "\"keyVaults\":[\"" RG "Microsoft.KeyVault/vaults/kv\"]}}");
	struct strlist ids = STRLIST_INIT;

	deps_collect(ws, &ids);
	CU_ASSERT_EQUAL_FATAL(ids.n, 4);
	CU_ASSERT_STRING_EQUAL(ids.v[0], RG "Microsoft.ContainerRegistry/registries/cr");
	CU_ASSERT_STRING_EQUAL(ids.v[1], RG "Microsoft.Storage/storageAccounts/st1");
	CU_ASSERT_STRING_EQUAL(ids.v[2], RG "Microsoft.Storage/storageAccounts/st2");
	CU_ASSERT_STRING_EQUAL(ids.v[3], RG "Microsoft.KeyVault/vaults/kv");
	strlist_release(&ids);
	json_decref(ws);
}

static void
test_api_version(void)
{
	CU_ASSERT_STRING_EQUAL(deps_api_version(RG "microsoft.keyvault/vaults/kv"), "2023-07-01");
	CU_ASSERT_PTR_NULL(deps_api_version(RG "Microsoft.KeyVault/vaults"));
	CU_ASSERT_PTR_NULL(deps_api_version(RG "Microsoft.KeyVault/vaults/kv/secrets/x"));
	CU_ASSERT_PTR_NULL(deps_api_version(RG "Microsoft.KeyVault/vaultsX/kv"));
	CU_ASSERT_PTR_NULL(deps_api_version("/subscriptions/s"));
}

static void
test_endpoints(void)
{
	const char *kv = RG "Microsoft.KeyVault/vaults/kv";
	json_t *res = load("{\"properties\":{\"privateEndpointConnections\":["
	    "{\"properties\":{\"privateEndpoint\":{\"id\":\"/pe/a\"},"
	    "\"privateLinkServiceConnectionState\":{\"status\":\"Approved\"}}},"
	    "{\"properties\":{\"privateEndpoint\":{\"id\":\"/pe/b\"},"
	    "\"privateLinkServiceConnectionState\":{\"status\":\"Pending\"}}},"
	    "{\"properties\":{}}]}}");
	json_t *none = load("{\"properties\":{\"publicNetworkAccess\":\"Enabled\"}}");
	struct strlist pes = STRLIST_INIT, notes = STRLIST_INIT;
	char *n;

	deps_endpoints(res, "t", kv, &pes, &notes);
	CU_ASSERT_EQUAL_FATAL(pes.n, 1);
	CU_ASSERT_STRING_EQUAL(pes.v[0], "/pe/a");
	CU_ASSERT_EQUAL_FATAL(notes.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(notes.v[0], "/pe/b of " RG "Microsoft.KeyVault/vaults/kv "
	    "is Pending, not Approved"));
	deps_endpoints(none, "t", kv, &pes, &notes);
	CU_ASSERT_EQUAL(pes.n, 1);
	CU_ASSERT_EQUAL_FATAL(notes.n, 2);
	CU_ASSERT_STRING_EQUAL(notes.v[1], "target 't': the workspace's key vault " RG
	    "Microsoft.KeyVault/vaults/kv has no approved private endpoint; its public name "
	    "is left to DNS");
	n = deps_unreadable_note("t", kv, "403 AuthorizationFailed: no");
	CU_ASSERT_STRING_EQUAL(n, "target 't': cannot read the workspace's key vault " RG
	    "Microsoft.KeyVault/vaults/kv (403 AuthorizationFailed: no); its names are left out "
	    "(Reader on it allows the read)");
	free(n);
	strlist_release(&pes);
	strlist_release(&notes);
	json_decref(res);
	json_decref(none);
}

static const struct unit_test dependencies_tests[] = {
	{ "collect", test_collect },
	{ "api_version", test_api_version },
	{ "endpoints", test_endpoints },
	{ NULL, NULL }
};
static const struct unit_suite suites[] = {
	{ "dependencies", dependencies_tests },
	{ NULL, NULL }
};
UNIT_MAIN(suites)
