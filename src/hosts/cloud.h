/*
 * cloud.h - the facts that differ between Azure clouds: the DNS suffixes of
 * Azure Machine Learning (SPEC 2), the private-link zones a block may hold
 * names of (SPEC 7), the zones a DNS server forwards, and the endpoints.
 * Static data; nothing here allocates.
 */
#ifndef AMLHOSTS_CLOUD_H
#define AMLHOSTS_CLOUD_H

struct cloud {
	const char *name;      /* "AzureCloud", ... */
	const char *api;       /* api.azureml.ms */
	const char *cert;      /* cert.api.azureml.ms */
	const char *notebooks; /* notebooks.azure.net */
	const char *instances; /* instances.azureml.ms */
	const char *inference; /* inference.ml.azure.com */
	const char *const *forward_zones;  /* NULL-terminated */
	const char *const *allowed_zones;  /* NULL-terminated, includes the AML ones */
	const char *arm_endpoint;
	const char *login_endpoint;
	const char *arm_resource;  /* token resource for managed identity and az */
};

/* Look a cloud up by name, case-insensitively; NULL if unknown. */
const struct cloud *cloud_find(const char *name);
/* The default cloud (AzureCloud). */
const struct cloud *cloud_default(void);
/* "AzureCloud, AzureChinaCloud, AzureUSGovernment" for messages. */
const char *cloud_names(void);
/* Is name inside one of the cloud's allowed private-link zones? */
int cloud_allows_name(const struct cloud *c, const char *name);

#endif
