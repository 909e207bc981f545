/*
 * cloud.c - per-cloud DNS suffixes, zones and endpoints.
 *
 * The allowed zones are the names clients ask for (blob.core.windows.net),
 * not the privatelink zones Azure DNS answers from: names.c removes the
 * privatelink label before it checks a name against this list. The list is a
 * guard against a tampered source (SPEC 7), so it holds private-link zones
 * only: never login, ARM or general-purpose domains. Sources: the AML custom
 * DNS article and the private endpoint DNS zone tables (Azure docs,
 * articles/private-link/private-endpoint-dns.md).
 *
 * The storage, Key Vault and Container Registry zones are also where the
 * names of a workspace's own dependencies land (dependencies = auto,
 * src/azure/dependencies.c): <account>.{blob,file,dfs,queue,table}.<zone>,
 * <vault>.vault.<zone>, and both <registry>.azurecr.io and its regional
 * <registry>.<region>.data.azurecr.io, which the one azurecr zone covers
 * (the private endpoint DNS table lists privatelink.azurecr.io for both;
 * per cloud: azurecr.io, azurecr.cn, azurecr.us).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "hosts/cloud.h"
#include "hosts/entries.h"
#include "base/util.h"

static const char *const public_forward[] = {
	"api.azureml.ms", "notebooks.azure.net", "instances.azureml.ms",
	"aznbcontent.net", "inference.ml.azure.com", NULL
};
static const char *const public_allowed[] = {
	/* Azure Machine Learning */
	"api.azureml.ms", "notebooks.azure.net", "instances.azureml.ms",
	"instances.ml.azure.ms", /* compute instances, the newer zone (Microsoft's docs) */
	"aznbcontent.net", "inference.ml.azure.com",
	/* Storage */
	"blob.core.windows.net", "file.core.windows.net", "queue.core.windows.net",
	"table.core.windows.net", "dfs.core.windows.net", "web.core.windows.net",
	/* Key Vault, Managed HSM */
	"vault.azure.net", "vaultcore.azure.net", "managedhsm.azure.net",
	/* Container Registry (<registry>.azurecr.io, <registry>.<region>.data.azurecr.io) */
	"azurecr.io",
	/* Cosmos DB */
	"documents.azure.com", "mongo.cosmos.azure.com", "cassandra.cosmos.azure.com",
	"gremlin.cosmos.azure.com", "table.cosmos.azure.com",
	/* AI Search, AI services, OpenAI, AI Foundry */
	"search.windows.net", "cognitiveservices.azure.com", "openai.azure.com",
	"services.ai.azure.com",
	/* Service Bus, Event Hubs, Relay */
	"servicebus.windows.net",
	/* SQL Database, PostgreSQL, MySQL, Synapse */
	"database.windows.net", "postgres.database.azure.com", "mysql.database.azure.com",
	"sql.azuresynapse.net", "dev.azuresynapse.net",
	/* App Service */
	"azurewebsites.net",
	/* Azure Monitor, Application Insights */
	"monitor.azure.com", "applicationinsights.azure.com", "oms.opinsights.azure.com",
	"ods.opinsights.azure.com", "agentsvc.azure-automation.net",
	/* API Management, Databricks, App Configuration, Redis, Data Factory */
	"azure-api.net", "azuredatabricks.net", "azconfig.io", "redis.cache.windows.net",
	"datafactory.azure.net",
	NULL
};

static const char *const china_forward[] = {
	"api.ml.azure.cn", "notebooks.chinacloudapi.cn", "instances.azureml.cn",
	"aznbcontent.net", "inference.ml.azure.cn", NULL
};
static const char *const china_allowed[] = {
	"api.ml.azure.cn", "notebooks.chinacloudapi.cn", "instances.azureml.cn",
	"aznbcontent.net", "inference.ml.azure.cn",
	"blob.core.chinacloudapi.cn", "file.core.chinacloudapi.cn",
	"queue.core.chinacloudapi.cn", "table.core.chinacloudapi.cn",
	"dfs.core.chinacloudapi.cn", "web.core.chinacloudapi.cn",
	"vault.azure.cn", "vaultcore.azure.cn",
	"azurecr.cn",
	"documents.azure.cn", "mongo.cosmos.azure.cn", "cassandra.cosmos.azure.cn",
	"gremlin.cosmos.azure.cn", "table.cosmos.azure.cn",
	"search.azure.cn", "cognitiveservices.azure.cn", "openai.azure.cn",
	"servicebus.chinacloudapi.cn",
	"database.chinacloudapi.cn", "postgres.database.chinacloudapi.cn",
	"mysql.database.chinacloudapi.cn",
	"chinacloudsites.cn",
	"monitor.azure.cn", "applicationinsights.azure.cn",
	"azure-api.cn", "databricks.azure.cn", "azconfig.azure.cn",
	"redis.cache.chinacloudapi.cn", "datafactory.azure.cn",
	NULL
};

static const char *const usgov_forward[] = {
	"api.ml.azure.us", "notebooks.usgovcloudapi.net", "instances.azureml.us",
	"aznbcontent.net", "inference.ml.azure.us", NULL
};
static const char *const usgov_allowed[] = {
	"api.ml.azure.us", "notebooks.usgovcloudapi.net", "instances.azureml.us",
	"aznbcontent.net", "inference.ml.azure.us",
	"blob.core.usgovcloudapi.net", "file.core.usgovcloudapi.net",
	"queue.core.usgovcloudapi.net", "table.core.usgovcloudapi.net",
	"dfs.core.usgovcloudapi.net", "web.core.usgovcloudapi.net",
	"vault.usgovcloudapi.net", "vaultcore.usgovcloudapi.net",
	"azurecr.us",
	"documents.azure.us", "mongo.cosmos.azure.us", "cassandra.cosmos.azure.us",
	"table.cosmos.azure.us",
	"search.windows.us", "search.azure.us", "cognitiveservices.azure.us",
	"openai.azure.us",
	"servicebus.usgovcloudapi.net",
	"database.usgovcloudapi.net", "postgres.database.usgovcloudapi.net",
	"mysql.database.usgovcloudapi.net",
	"azurewebsites.us",
	"monitor.azure.us", "applicationinsights.us", "oms.opinsights.azure.us",
	"ods.opinsights.azure.us", "agentsvc.azure-automation.us",
	"azure-api.us", "databricks.azure.us", "azconfig.azure.us",
	"redis.cache.usgovcloudapi.net", "datafactory.azure.us",
	NULL
};

static const struct cloud clouds[] = {
	{
		"AzureCloud", "api.azureml.ms", "cert.api.azureml.ms",
		"notebooks.azure.net", "instances.azureml.ms", "inference.ml.azure.com",
		public_forward, public_allowed,
		"https://management.azure.com", "https://login.microsoftonline.com",
		"https://management.core.windows.net/",
	},
	{
		"AzureChinaCloud", "api.ml.azure.cn", "cert.api.ml.azure.cn",
		"notebooks.chinacloudapi.cn", "instances.azureml.cn", "inference.ml.azure.cn",
		china_forward, china_allowed,
		"https://management.chinacloudapi.cn", "https://login.chinacloudapi.cn",
		"https://management.core.chinacloudapi.cn/",
	},
	{
		"AzureUSGovernment", "api.ml.azure.us", "cert.api.ml.azure.us",
		"notebooks.usgovcloudapi.net", "instances.azureml.us", "inference.ml.azure.us",
		usgov_forward, usgov_allowed,
		"https://management.usgovcloudapi.net", "https://login.microsoftonline.us",
		"https://management.core.usgovcloudapi.net/",
	},
};

const struct cloud *
cloud_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof clouds / sizeof clouds[0]; i++)
		if (ascii_strcasecmp(clouds[i].name, name) == 0)
			return &clouds[i];
	return NULL;
}

const struct cloud *
cloud_default(void)
{
	return &clouds[0];
}

const char *
cloud_names(void)
{
	return "AzureCloud, AzureChinaCloud, AzureUSGovernment";
}

int
cloud_allows_name(const struct cloud *c, const char *name)
{
	const char *const *z;
	size_t n = strlen(name);

	for (z = c->allowed_zones; *z != NULL; z++)
		/* Inside the zone: a zone's apex is no private-link name. */
		if (n > strlen(*z) && name_has_suffix(name, *z))
			return 1;
	return 0;
}
