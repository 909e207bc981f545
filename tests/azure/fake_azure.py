#!/usr/bin/env python3
"""fake_azure.py - a local stand-in for the parts of Azure amlhosts talks to.

    python3 fake_azure.py --dir DIR --scenario NAME [--delay-ms N] [--log FILE]
                          [--lifetime SECONDS] [--drop N|always]

Listens on 127.0.0.1 (free ports) with two threaded HTTP/1.1 servers:

  HTTPS (certificate DIR/server.pem, made by gen-certs.sh)
      POST /login/{tenant}/oauth2/v2.0/token         Microsoft Entra ID (v2)
      GET  /subscriptions/...                        Azure Resource Manager
  plain HTTP (managed identity endpoints are plain HTTP in Azure too)
      GET  /msi/token                                App Service (IDENTITY_ENDPOINT)
      GET  /automation/token                         Azure Automation (IDENTITY_ENDPOINT,
                                                     wants Metadata: true as well)
      GET  /mlmsi/token                              Azure ML compute (MSI_ENDPOINT)
      GET  /metadata/identity/oauth2/token           IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST)

It writes DIR/https.port and DIR/http.port once both listen, and exits on
SIGTERM/SIGINT or after --lifetime seconds (120), so it never outlives a test.

Responses are Azure's own shapes: every ARM body starts from an example of
the Azure REST API specs in tests/data/fixtures/azure-rest-api-specs (the
`.responses["200"].body` of each file, see its SOURCES.md), with the values
changed to those of an Azure Machine Learning workspace behind a private
endpoint. Fields are changed or removed, never invented.

The log (--log) has one line per event, each starting with the seconds since
start:
    0.123 + conn=3 https 127.0.0.1:51234 uid=1000 connection accepted (TLS done; uid: the client socket's owner)
    0.124 ! conn=4 https tls: <reason>           TLS handshake failed
    0.125 > conn=3 https GET /path?query auth=sp form=client_id,scope
    0.226 < conn=3 200 1234 bytes 101.2 ms
    0.227 x conn=3 dropped GET /path?query      closed with no answer (--drop)
`auth=` names where the bearer token came from (sp, wi, appservice, azureml,
imds, cli; none, invalid, expired), `form=` the names (never the values) of
POSTed form fields. Tokens and secrets are never logged.
"""

import argparse
import copy
import datetime
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FIXTURES = os.path.join(HERE, "..", "data", "fixtures", "azure-rest-api-specs")

# ---------------------------------------------------------------------------
# What the tests configure (tests/integration/azure.sh uses the same values).

SUB = "00000000-0000-0000-0000-000000000000"
RG = "rg-ml"
TENANT = "tenant-1"                      # AZURE_TENANT_ID
TENANT_GUID = "72f988bf-0000-4000-8000-00000000cafe"   # as ARM shows tenants
CLIENT_ID = "client-1"                   # AZURE_CLIENT_ID
CLIENT_SECRET = "s3cret-value"           # AZURE_CLIENT_SECRET
ASSERTION = "fake.jwt.assertion"         # content of AZURE_FEDERATED_TOKEN_FILE
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
IDENTITY_HEADER = "hdr-value"            # App Service IDENTITY_HEADER
MSI_SECRET = "msi-secret"                # Azure ML compute MSI_SECRET
CLI_TOKEN = "tok-cli-fixed"              # what the fake `az` prints
NEXT_API_VERSION = "2025-07-01-preview"  # nextLinks carry another api-version, like Azure's

WSID = "4f1c7e2a-93b5-4d08-b6e1-2a9d5c7f3e10"        # myws
PROJ_A = "7d2e9b41-5c3a-4f6e-8a1b-0c9d8e7f6a52"      # proj-a (hub scenario)
PROJ_B = "b3a84c2d-1e6f-47a9-9d05-6f2e1b8c4a73"      # proj-b (hub scenario)
OTHER_HUB = "c9e0f1a2-b3c4-4d5e-8f60-718293a4b5c6"
PROJ_X = "d1e2f3a4-b5c6-4789-9abc-def012345678"
LEGACY = "e5f6a7b8-c9d0-4e1f-a2b3-c4d5e6f7a8b9"

CLOUDS = {  # SPEC 2
    "AzureCloud": {"api": "api.azureml.ms", "notebooks": "notebooks.azure.net",
                   "inference": "inference.ml.azure.com", "instances": "instances.azureml.ms"},
    "AzureChinaCloud": {"api": "api.ml.azure.cn", "notebooks": "notebooks.chinacloudapi.cn",
                        "inference": "inference.ml.azure.cn", "instances": "instances.azureml.cn"},
    "AzureUSGovernment": {"api": "api.ml.azure.us", "notebooks": "notebooks.usgovcloudapi.net",
                          "inference": "inference.ml.azure.us", "instances": "instances.azureml.us"},
}

ML = "Microsoft.MachineLearningServices"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-pe"


def rid(rg, provider_type, name, sub=SUB):
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{provider_type}/{name}"


# ---------------------------------------------------------------------------
# The world a scenario describes.

@dataclass
class IpConfig:
    """One ipConfiguration of a private endpoint's NIC."""
    member: str          # privateLinkConnectionProperties.requiredMemberName
    ip: str              # privateIPAddress as the NIC shows it (may be CIDR)
    fqdns: list          # privateLinkConnectionProperties.fqdns


@dataclass
class PrivateEndpoint:
    name: str
    rg: str = RG
    group_id: str = "amlworkspace"
    configs: list = field(default_factory=list)   # [IpConfig]
    custom_dns: bool = True      # also list the names in customDnsConfigs
    nic_fqdns: bool = True       # list the names in the NIC's ipConfigurations
    status: str = "Approved"     # Pending: a manual connection awaiting approval
    target: str = ""             # privateLinkServiceId; the workspace's id when empty

    @property
    def id(self):
        return rid(self.rg, "Microsoft.Network/privateEndpoints", self.name)

    @property
    def nic_id(self):
        suffix = uuid.uuid5(uuid.NAMESPACE_URL, self.id)
        return rid(self.rg, "Microsoft.Network/networkInterfaces", f"{self.name}.nic.{suffix}")


@dataclass
class Workspace:
    name: str
    guid: str
    kind: str = "Default"        # Default, Hub, Project
    rg: str = RG
    region: str = "eastus"
    pes: list = field(default_factory=list)        # [PrivateEndpoint]
    computes: list = field(default_factory=list)   # [(name, computeType, state)]
    endpoints: list = field(default_factory=list)  # online endpoint names
    hub: str = ""                # properties.hubResourceId of a Project
    deps: dict = field(default_factory=dict)  # workspace key -> Dependency or [Dependency]


    @property
    def id(self):
        return rid(self.rg, f"{ML}/workspaces", self.name)


@dataclass
class Dependency:
    """A workspace's storage account, key vault or container registry
    (issue 13), served with its private endpoint connections."""
    type: str                    # Microsoft.Storage/storageAccounts, ...
    name: str
    rg: str = RG
    pes: list = field(default_factory=list)        # [PrivateEndpoint] connected to it
    forbidden: bool = False      # the identity may not read it: 403

    @property
    def id(self):
        return rid(self.rg, self.type, self.name)


@dataclass
class Scenario:
    """Everything one --scenario serves. The first workspace is 'myws'."""
    workspaces: list
    cloud: str = "AzureCloud"
    extra_pes: list = field(default_factory=list)   # PEs of other services
    page: dict = field(default_factory=dict)        # list kind -> page size
    faults: list = field(default_factory=list)      # for the first workspace GET, in turn
    fault_forever: bool = False  # the last fault repeats
    expire_first_token: bool = False
    huge_bytes: int = 0
    denied: list = field(default_factory=list)   # ARM paths that answer 403 (issue 13)
    tweak: object = None         # tweak(world): change the built bodies (issue 13)


def aml_configs(ws, cloud, ips=("10.1.0.5", "10.1.0.6/32", "10.1.0.7"), cert=True):
    """The ipConfigurations Azure gives a workspace's private endpoint: the
    API names, the notebooks name and the inference wildcard (how-to-custom-dns)."""
    s = CLOUDS[cloud]
    r, g = ws.region, ws.guid
    api = [f"{g}.workspace.{r}.{s['api']}"]
    if cert:
        api.append(f"{g}.workspace.{r}.cert.{s['api']}")
    api.append(f"*.{g}.inference.{r}.{s['api']}")
    return [
        IpConfig("default", ips[0], api),
        IpConfig("notebook", ips[1], [f"ml-{ws.name}-{r}-{g}.{r}.{s['notebooks']}"]),
        IpConfig("inference", ips[2], [f"*.{r}.{s['inference']}"]),
    ]


def storage_pe():
    """A dependency service's endpoint in another resource group."""
    acct = rid("rg-data", "Microsoft.Storage/storageAccounts", "stmldata")
    return PrivateEndpoint("stmldata-blob-pe", rg="rg-data", group_id="blob", target=acct,
                           configs=[IpConfig("blob", "10.2.0.4", ["stmldata.blob.core.windows.net"])])


PLAIN_COMPUTES = [("alice-ci", "ComputeInstance", "Running"),
                  ("cpu-cluster", "AmlCompute", None),
                  ("bob-ci", "ComputeInstance", "Running"),
                  ("carol-ci", "ComputeInstance", "Stopped")]
PLAIN_ENDPOINTS = ["churn-scoring", "fraud-v2"]


def myws(cloud="AzureCloud", region="eastus", kind="Default", pending=True, **pe_opts):
    ws = Workspace("myws", WSID, kind=kind, region=region,
                   computes=list(PLAIN_COMPUTES), endpoints=list(PLAIN_ENDPOINTS))
    cert = pe_opts.pop("cert", True)
    ws.pes.append(PrivateEndpoint("myws-pe", configs=aml_configs(ws, cloud, cert=cert), **pe_opts))
    if pending:
        # A second endpoint still awaiting approval, in another network: its
        # names contradict the approved one's, so using it is an error.
        ws.pes.append(PrivateEndpoint("myws-pe-pending", status="Pending",
                                      configs=aml_configs(ws, cloud, ips=("10.9.0.5", "10.9.0.6", "10.9.0.7"))))
    return ws


def paged_lists(ws, instances=50, endpoints=20):
    computes = [(f"ci-{i:02d}", "ComputeInstance", "Running") for i in range(1, instances + 1)]
    computes.insert(7, ("gpu-cluster", "AmlCompute", None))
    ws.computes = computes
    ws.endpoints = [f"ep-{i:02d}" for i in range(1, endpoints + 1)]
    return ws


def hub_world():
    hub = myws(kind="Hub", pending=False)
    other = Workspace("other-hub", OTHER_HUB, kind="Hub", rg="rg-other")
    return [
        hub,
        # ARM ids are case-insensitive, and hubResourceId is not always spelled
        # as the hub's own id.
        Workspace("proj-a", PROJ_A, kind="Project", hub=hub.id.lower()),
        Workspace("legacy-ws", LEGACY, rg="rg-other"),
        Workspace("proj-b", PROJ_B, kind="Project", rg="rg-ml-projects", hub=hub.id),
        other,
        Workspace("proj-x", PROJ_X, kind="Project", rg="rg-other", hub=other.id),
    ]


def discover_world():
    """amlhosts discover: workspaces with one approved endpoint (and a pending
    one), with two approved endpoints (one per VNet), with none."""
    dr = Workspace("ws-dr", "0c5b8a7e-2d41-4f3a-9b6c-5e8d7f1a2b3c")
    dr.pes = [PrivateEndpoint("ws-dr-pe-hub", rg="rg-net", configs=aml_configs(dr, "AzureCloud")),
              PrivateEndpoint("ws-dr-pe-spoke", rg="rg-net-dr",
                              configs=aml_configs(dr, "AzureCloud", ips=("10.8.0.5", "10.8.0.6", "10.8.0.7")))]
    other = Workspace("ws_other", "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d", rg="rg-other", region="westeurope")
    other.pes = [PrivateEndpoint("ws-other-pe", rg="rg-other", configs=aml_configs(other, "AzureCloud"))]
    return [myws(), dr, Workspace("ws-open", "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", rg="rg-other"), other]


# Faults: (status, extra headers, body) or the word "stall".
def arm_error(code, message):
    return {"error": {"code": code, "message": message}}


THROTTLED = (429, {"Retry-After": "1"}, arm_error(
    "SubscriptionRequestsThrottled",
    f"Number of 'read' requests for subscription '{SUB}' actor '{CLIENT_ID}' exceeded. "
    "Please try again after '1' seconds after the additional tokens are available. "
    "Refer to https://aka.ms/arm-throttling"))
SERVER_ERROR = (500, {}, arm_error(
    "InternalServerError",
    "Encountered internal server error. Diagnostic information: timestamp '20251125T220000Z', "
    f"subscription id '{SUB}', tracking id '5f0e2a4c-1b3d-4e6f-8a9b-0c1d2e3f4a5b', request "
    "correlation id '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d'."))
FORBIDDEN = (403, {}, arm_error(
    "AuthorizationFailed",
    f"The client '{CLIENT_ID}' with object id '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' does not "
    f"have authorization to perform action '{ML}/workspaces/read' over scope "
    f"'{rid(RG, ML + '/workspaces', 'myws')}' or the scope is invalid. If access was "
    "recently granted, please refresh your credentials."))
REDIRECT = (302, {"Location": f"https://example.invalid{rid(RG, ML + '/workspaces', 'myws')}"
                  "?api-version=2025-09-01"}, None)
# Issue #4 (secrets and transport): a redirect to another host that is really
# this server (so that a followed redirect would show in the log, with or
# without the token), and responses that must be bounded in size or time
# however they arrive. Each is the name of what arm() does instead of a
# normal answer.
REDIRECT_HERE = "redirect-here"  # 302 to https://localhost:PORT/redirected/...
GZIP_BOMB = "gzip-bomb"          # 200, Content-Encoding: gzip, 64 KiB -> 64 MiB
ENDLESS = "endless"              # 200, no Content-Length, 1 MiB chunks, up to 64 MiB
DRIP = "drip"                    # 200, a byte every 0.2 s, never complete


STORAGE, VAULT, REGISTRY = ("Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults",
                             "Microsoft.ContainerRegistry/registries")


def dep_pe(dep, group, configs, **opts):
    """A private endpoint of a dependency, in the network team's group."""
    pe = PrivateEndpoint(f"{dep.name}-{group}-pe", rg="rg-net", group_id=group, target=dep.id,
                         configs=configs, **opts)
    dep.pes.append(pe)
    return pe


def storage_dep(name, ip, rg=RG, endpoints=True):
    """A storage account with blob, file (names only on its NIC) and dfs
    endpoints, or public only (endpoints=False)."""
    st = Dependency(STORAGE, name, rg=rg)
    for i, (sub, custom) in enumerate((("blob", True), ("file", False), ("dfs", True))):
        dep_pe(st, sub, [IpConfig(sub, f"{ip}{4 + i}", [f"{name}.{sub}.core.windows.net"])],
               custom_dns=custom)
    if not endpoints:
        st.pes = []
    return st


def default_deps(ws):
    """The storage account, key vault and registry every workspace names
    (Azure creates them with it): without private endpoints, so public,
    unless the scenario gives them (ws.deps, which wins)."""
    short = ws.name.replace("-", "")
    return {"storageAccount": Dependency(STORAGE, f"st{short}", rg=ws.rg),
            "keyVault": Dependency(VAULT, f"kv{short}", rg=ws.rg),
            "containerRegistry": Dependency(REGISTRY, f"cr{short}", rg=ws.rg)}


def deps_world(forbidden=False, hub=False):
    """myws with its dependencies behind private endpoints (issue 13). A hub
    lists storageAccounts/keyVaults arrays and leaves the single keys empty."""
    ws = myws(kind="Hub" if hub else "Default", pending=False)
    kv = Dependency(VAULT, "kvmyws", forbidden=forbidden)
    dep_pe(kv, "vault", [IpConfig("default", "10.2.0.8", ["kvmyws.vault.azure.net"])])
    # A connection awaiting approval is no way in.
    dep_pe(kv, "vault2", [IpConfig("default", "10.9.2.8", ["kvmyws.vault.azure.net"])], status="Pending")
    cr = Dependency(REGISTRY, "crmyws")
    dep_pe(cr, "registry", [IpConfig("registry", "10.2.0.2", ["crmyws.azurecr.io"]),
                            IpConfig("registry_data_eastus", "10.2.0.3",
                                     ["crmyws.eastus.data.azurecr.io"])])
    st = storage_dep("stmyws", "10.2.0.")
    if hub:
        ws.deps = {"storageAccount": None, "keyVault": "", "containerRegistry": cr,
                   "storageAccounts": [st, storage_dep("stmyws2", "10.2.1.", endpoints=False)], "keyVaults": [kv]}
    else:
        ws.deps = {"storageAccount": st, "keyVault": kv, "containerRegistry": cr}
    return ws


SCENARIOS = {
    "plain": lambda: Scenario([myws()]),
    "hub": lambda: Scenario(hub_world(), page={"workspaces": 4}),
    "paged": lambda: Scenario([paged_lists(myws())], page={"computes": 30, "onlineEndpoints": 12}),
    "nic": lambda: Scenario([myws(custom_dns=False, cert=False)]),
    "throttle": lambda: Scenario([myws()], faults=[THROTTLED]),
    "flaky": lambda: Scenario([myws()], faults=[SERVER_ERROR, SERVER_ERROR]),
    "forbidden": lambda: Scenario([myws()], faults=[FORBIDDEN], fault_forever=True),
    "expired": lambda: Scenario([myws()], expire_first_token=True),
    "huge": lambda: Scenario([myws()], huge_bytes=9 * 1024 * 1024),
    "stall": lambda: Scenario([myws()], faults=["stall"], fault_forever=True),
    "redirect": lambda: Scenario([myws()], faults=[REDIRECT], fault_forever=True),
    "redirect-here": lambda: Scenario([myws()], faults=[REDIRECT_HERE], fault_forever=True),
    "gzip-bomb": lambda: Scenario([myws()], faults=[GZIP_BOMB], fault_forever=True),
    "endless": lambda: Scenario([myws()], faults=[ENDLESS], fault_forever=True),
    "drip": lambda: Scenario([myws()], faults=[DRIP], fault_forever=True),
    "empty": lambda: Scenario([myws(custom_dns=False, nic_fqdns=False)]),
    "discover": lambda: Scenario(discover_world(), page={"workspaces": 2}),
    "china": lambda: Scenario([myws("AzureChinaCloud", "chinanorth3")], cloud="AzureChinaCloud"),
    "usgov": lambda: Scenario([myws("AzureUSGovernment", "usgovvirginia")], cloud="AzureUSGovernment"),
    # tests/bench/azure-discovery: paged lists, and a second (storage) endpoint
    # named by extra_private_endpoints.
    "bench": lambda: Scenario([paged_lists(myws(pending=False))],
                              page={"computes": 30, "onlineEndpoints": 12}),
    # issue 13: the workspace's storage, key vault and registry endpoints.
    "deps": lambda: Scenario([deps_world()]),
    # A hub whose key vault the identity may not read (403).
    "deps-hub": lambda: Scenario([deps_world(hub=True, forbidden=True)]),
    "deps-bench": lambda: Scenario([paged_lists(deps_world())],
                                   page={"computes": 30, "onlineEndpoints": 12}),
}


# ---------------------------------------------------------------------------
# Issue 13: what real tenants answer (tests/integration/azure-real.sh). The
# shapes are those of the Azure SDK for Python's recorded ARM answers: a
# hub's project reported as kind "Lean" with hubResourceId, no
# privateEndpointConnections key on a workspace without connections,
# properties.notebookInfo.fqdn, online endpoints of kind Kubernetes.

SUBNET_DR = f"/subscriptions/{SUB}/resourceGroups/rg-net-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/snet-pe-dr"
LEAN = "a6b7c8d9-e0f1-4a2b-9c3d-4e5f60718293"       # e2etest_test_86533533175 (real-real)


def denied_at(path):
    """ARM's 403 for a read the identity has no role for (status, body, headers);
    the action names the resource type read, as ARM's does."""
    parts = path.split("?")[0].strip("/").split("/")
    i = max((k for k, p in enumerate(parts) if p.lower() == "providers"), default=-1)
    action = f"{parts[i + 1]}/{parts[i + 2]}/read" if 0 <= i < len(parts) - 2 else f"{ML}/workspaces/read"
    return 403, arm_error(
        "AuthorizationFailed",
        f"The client '{CLIENT_ID}' with object id '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' does not "
        f"have authorization to perform action '{action}' over scope '{path}' or the "
        "scope is invalid. If access was recently granted, please refresh your credentials."), {}


def two_pe_world():
    """myws with a second approved endpoint in another VNet (hub-and-spoke, DR)."""
    ws = myws(pending=False)
    ws.pes.append(PrivateEndpoint("myws-pe-dr", configs=aml_configs(ws, "AzureCloud",
                                                                     ips=("10.9.0.5", "10.9.0.6", "10.9.0.7"))))
    return Scenario([ws])


def two_pe_tweak(world):
    pe = world.sc.workspaces[0].pes[1]
    world.resources[pe.id.lower()]["properties"]["subnet"] = {"id": SUBNET_DR}


def partial_world():
    """A hub whose identity may read its resource group, not the subscription
    (the project list) nor the compute list."""
    ws = hub_world()
    return Scenario(ws, denied=[f"/subscriptions/{SUB}/providers/{ML}/workspaces",
                                ws[0].id + "/computes"])


def pe_denied_world():
    """myws, whose private endpoint lives in the network team's resource
    group, which the identity may not read: the one read that is required."""
    ws = myws(pending=False, rg="rg-net")
    return Scenario([ws], denied=[ws.pes[0].id])


def real_world():
    hub = myws(kind="Hub", pending=False)
    hub.computes = [("alice-ci", "ComputeInstance", "Running"), ("cpu-cluster", "AmlCompute", None)]
    hub.endpoints = ["churn-scoring", "k8s-scoring"]
    # The inference wildcard as some NICs list it, with the workspace's GUID.
    hub.pes[0].configs[2].fqdns.append(f"*.{WSID}.eastus.inference.ml.azure.com")
    lean = Workspace("e2etest_test_86533533175", LEAN, kind="Lean", hub=hub.id)
    return Scenario([hub, lean])


def real_tweak(world):
    hub, lean = world.sc.workspaces
    wb = world.resources[lean.id.lower()]
    wb["properties"].pop("privateEndpointConnections", None)
    wb["properties"].pop("privateLinkCount", None)
    # Azure drops '_' and truncates the name to fit 63 characters.
    wb["properties"]["notebookInfo"] = {
        "fqdn": f"ml-e2etesttest86533-eastus-{LEAN}.eastus.notebooks.azure.net"}
    for kind, items in world.lists.values():
        for it in items:
            if kind == "computes" and it["properties"]["computeType"] == "ComputeInstance":
                apps = it["properties"]["properties"]["applications"]
                apps.append({"displayName": "RStudio",
                             "endpointUri": f"https://{it['name']}-8787.eastus.instances.azureml.ms/"})
                apps.append({"displayName": "Jupyter (new zone)",
                             "endpointUri": f"https://{it['name']}.eastus.instances.ml.azure.ms/tree/"})
            if kind == "onlineEndpoints" and it["name"] == "churn-scoring":
                # scoringUri is Azure's own name for it: not always the endpoint's name
                it["properties"]["scoringUri"] = "https://churn-scoring-v2.eastus.inference.ml.azure.com/score"
            if kind == "onlineEndpoints" and it["name"] == "k8s-scoring":
                it["kind"] = "Kubernetes"
                it["properties"]["scoringUri"] = "http://20.1.2.3/api/v1/endpoint/k8s-scoring/score"


ISSUE13_SCENARIOS = {
    "two-pe": lambda: dataclass_replace(two_pe_world(), tweak=two_pe_tweak),
    "partial": partial_world,
    "pe-denied": pe_denied_world,
    "real": lambda: dataclass_replace(real_world(), tweak=real_tweak),
}


def dataclass_replace(sc, **kw):
    for k, v in kw.items():
        setattr(sc, k, v)
    return sc


SCENARIOS.update(ISSUE13_SCENARIOS)


# ---------------------------------------------------------------------------
# Response bodies, each from its spec example.

class Fixtures:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def body(self, rel):
        if rel not in self.cache:
            with open(os.path.join(self.root, rel), encoding="utf-8") as f:
                self.cache[rel] = json.load(f)["responses"]["200"]["body"]
        return copy.deepcopy(self.cache[rel])


def strip_prefix(ip):
    return ip.split("/", 1)[0]


class Bodies:
    def __init__(self, fixtures, scenario):
        self.fx = fixtures
        self.sc = scenario

    def workspace(self, ws):
        b = self.fx.body("machinelearningservices/2025-12-01/Workspace/get.json")
        p = b["properties"]
        s = CLOUDS[self.sc.cloud]
        b["name"] = ws.name
        b["id"] = ws.id
        b["location"] = ws.region
        b["kind"] = ws.kind
        b["identity"] = {"type": "SystemAssigned", "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, ws.id)),
                         "tenantId": TENANT_GUID}
        p["workspaceId"] = ws.guid
        p["description"] = f"{ws.kind} workspace {ws.name}"
        p["friendlyName"] = ws.name
        p["discoveryUrl"] = f"https://{ws.region}.{s['api']}/discovery"
        short = ws.name.replace("-", "")
        p["applicationInsights"] = rid(ws.rg, "microsoft.insights/components", f"appi{short}")
        for key, dep in default_deps(ws).items():
            p[key] = dep.id
        p["serviceProvisionedResourceGroup"] = f"{ws.name}_{ws.guid.replace('-', '')[:16]}"
        for k in ("encryption", "imageBuildCompute", "sharedPrivateLinkResources"):
            p.pop(k, None)  # customer-managed keys and shared links: not set up here
        p["managedNetwork"] = {"isolationMode": "Disabled"}
        template = p["privateEndpointConnections"][0]
        p["privateEndpointConnections"] = [self.pe_connection(template, ws, pe) for pe in ws.pes]
        p["privateLinkCount"] = len(ws.pes)
        p["publicNetworkAccess"] = "Disabled" if ws.pes else "Enabled"
        if ws.hub:
            p["hubResourceId"] = ws.hub
        for key, dep in ws.deps.items():
            p[key] = [d.id for d in dep] if isinstance(dep, list) else dep.id if dep else dep
        return b

    @staticmethod
    def dependency(dep, region):
        """A storage account, key vault or registry: the fields amlhosts
        reads, as their GETs carry them (privateEndpointConnections[] like a
        workspace's, same item shape in all three providers)."""
        conns = []
        for pe in dep.pes:
            name = f"{dep.name}.{uuid.uuid5(uuid.NAMESPACE_URL, pe.id)}"
            conns.append({
                "id": f"{dep.id}/privateEndpointConnections/{name}", "name": name,
                "type": f"{dep.type}/privateEndpointConnections",
                "properties": {
                    "privateEndpoint": {"id": pe.id},
                    "privateLinkServiceConnectionState": {
                        "status": pe.status, "actionsRequired": "None",
                        "description": "Auto-Approved" if pe.status == "Approved" else "Awaiting approval"},
                    "provisioningState": "Succeeded"}})
        return {"id": dep.id, "name": dep.name, "type": dep.type, "location": region,
                "properties": {"privateEndpointConnections": conns, "provisioningState": "Succeeded",
                               "publicNetworkAccess": "Disabled" if conns else "Enabled"}}

    @staticmethod
    def pe_connection(template, ws, pe):
        c = copy.deepcopy(template)
        c["name"] = f"{ws.name}.{uuid.uuid5(uuid.NAMESPACE_URL, pe.id)}"
        c["id"] = f"{ws.id}/privateEndpointConnections/{c['name']}"
        c["properties"]["privateEndpoint"]["id"] = pe.id
        state = c["properties"]["privateLinkServiceConnectionState"]
        state["status"] = pe.status
        state["description"] = "Auto-Approved" if pe.status == "Approved" else "Awaiting approval"
        return c

    def private_endpoint(self, pe, ws):
        b = self.fx.body("network/2025-03-01/PrivateEndpointGet.json")
        p = b["properties"]
        b["name"] = pe.name
        b["id"] = pe.id
        b["location"] = ws.region if ws else "eastus"
        p.pop("customNetworkInterfaceName", None)
        p["ipConfigurations"] = []  # no static addresses requested
        p["customDnsConfigs"] = [{"fqdn": f, "ipAddresses": [strip_prefix(c.ip)]}
                                 for c in pe.configs for f in c.fqdns] if pe.custom_dns else []
        p["networkInterfaces"] = [{"id": pe.nic_id}]
        conn = p["privateLinkServiceConnections"][0]
        conn["name"] = pe.name
        conn["id"] = f"{pe.id}/privateLinkServiceConnections/{pe.name}"
        cp = conn["properties"]
        cp["groupIds"] = [pe.group_id]
        cp["privateLinkServiceId"] = pe.target or ws.id
        cp["requestMessage"] = ""
        if pe.status == "Approved":
            cp["privateLinkServiceConnectionState"] = {
                "status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"}
            p["privateLinkServiceConnections"] = [conn]
            p["manualPrivateLinkServiceConnections"] = []
        else:  # as PrivateEndpointGetForManualApproval.json
            conn["id"] = f"{pe.id}/manualPrivateLinkServiceConnections/{pe.name}"
            cp["privateLinkServiceConnectionState"] = {
                "status": pe.status, "description": "Awaiting approval", "actionsRequired": "None"}
            p["privateLinkServiceConnections"] = []
            p["manualPrivateLinkServiceConnections"] = [conn]
        p["subnet"] = {"id": SUBNET}
        return b

    def nic(self, pe, ws):
        b = self.fx.body("network/2025-03-01/NetworkInterfaceGet.json")
        p = b["properties"]
        b["name"] = pe.nic_id.rsplit("/", 1)[1]
        b["id"] = pe.nic_id
        b["location"] = ws.region if ws else "eastus"
        template = p["ipConfigurations"][1]  # the one whose address is in CIDR form
        for k in ("dscpConfiguration", "networkSecurityGroup", "virtualMachine", "disableTcpStateTracking"):
            p.pop(k, None)  # a private endpoint's NIC has none of these
        p["enableAcceleratedNetworking"] = False
        for k in ("macAddress", "primary"):
            p.pop(k, None)  # what a VM's NIC has
        p["privateEndpoint"] = {"id": pe.id}
        p["dnsSettings"] = {"dnsServers": [], "appliedDnsServers": []}
        configs = []
        for i, c in enumerate(pe.configs):
            ic = copy.deepcopy(template)
            ic["name"] = f"privateEndpointIpConfig.{uuid.uuid5(uuid.NAMESPACE_URL, pe.id + c.member)}"
            ic["id"] = f"{pe.nic_id}/ipConfigurations/{ic['name']}"
            q = ic["properties"]
            q["primary"] = i == 0
            q["privateIPAddress"] = c.ip
            if "/" in c.ip:
                q["privateIPAddressPrefixLength"] = int(c.ip.split("/", 1)[1])
            else:
                q.pop("privateIPAddressPrefixLength", None)
            q["subnet"] = {"id": SUBNET}
            q["privateLinkConnectionProperties"] = {
                "groupId": pe.group_id, "requiredMemberName": c.member,
                "fqdns": list(c.fqdns) if pe.nic_fqdns else []}
            configs.append(ic)
        p["ipConfigurations"] = configs
        return b

    def compute(self, ws, name, ctype, state):
        if ctype == "ComputeInstance":
            b = self.fx.body("machinelearningservices/2025-12-01/Compute/get/ComputeInstance.json")
            inner = b["properties"]["properties"]
            inner["subnet"] = {"id": SUBNET}
            inner.pop("customServices", None)
            inner["createdBy"]["userName"] = f"{name.split('-')[0]}@contoso.com"
            # The instance's own address: never what its name maps to (SPEC 2).
            n = sum(map(ord, name)) % 200 + 10
            inner["connectivityEndpoints"] = {"publicIpAddress": None, "privateIpAddress": f"10.3.0.{n}"}
            host = f"{name}.{ws.region}.{CLOUDS[self.sc.cloud]['instances']}"
            inner["applications"] = [
                {"displayName": "Jupyter", "endpointUri": f"https://{host}/tree/"},
                {"displayName": "Jupyter Lab", "endpointUri": f"https://{host}/lab"}]
            inner["state"] = state
        else:
            b = self.fx.body("machinelearningservices/2025-12-01/Compute/list.json")["value"][0]
            b["properties"].pop("resourceId", None)
        b["name"] = name
        b["id"] = f"{ws.id}/computes/{name}"
        b["location"] = ws.region
        b["properties"]["computeType"] = ctype
        b["properties"]["description"] = None
        return b

    def online_endpoint(self, ws, name):
        b = self.fx.body("machinelearningservices/2025-12-01/Workspace/OnlineEndpoint/list.json")["value"][0]
        host = f"{name}.{ws.region}.{CLOUDS[self.sc.cloud]['inference']}"
        b["id"] = f"{ws.id}/onlineEndpoints/{name}"
        b["name"] = name
        b["type"] = f"{ML}/workspaces/onlineEndpoints"
        b["location"] = ws.region
        b["kind"] = "Managed"
        p = b["properties"]
        p["description"] = ""
        p["properties"] = {}
        p["scoringUri"] = f"https://{host}/score"
        p["swaggerUri"] = f"https://{host}/swagger.json"
        p["authMode"] = "Key"
        p["provisioningState"] = "Succeeded"
        p.pop("compute", None)  # managed endpoints run on Azure's compute
        p["traffic"] = {"blue": 100}
        b["identity"] = {"type": "SystemAssigned", "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, b["id"])),
                         "tenantId": TENANT_GUID}
        b.pop("sku", None)
        sd = b["systemData"]
        sd["createdBy"] = sd["lastModifiedBy"] = "alice@contoso.com"
        return b


# ---------------------------------------------------------------------------
# The resources of a scenario, by lower-cased ARM path.

class World:
    def __init__(self, scenario, fixtures):
        self.sc = scenario
        bodies = Bodies(fixtures, scenario)
        self.resources = {}   # path -> body
        self.forbidden = set()  # paths answered 403 (dependencies the identity may not read)
        self.lists = {}       # path -> (kind, [items])
        ws_items = []
        for ws in scenario.workspaces:
            wb = bodies.workspace(ws)
            self.resources[ws.id.lower()] = wb
            ws_items.append(wb)
            for pe in ws.pes:
                self.resources[pe.id.lower()] = bodies.private_endpoint(pe, ws)
                self.resources[pe.nic_id.lower()] = bodies.nic(pe, ws)
            for key, dep in default_deps(ws).items():
                if key not in ws.deps:
                    self.add_dependency(bodies, dep, ws)
            for dep in ws.deps.values():
                for d in dep if isinstance(dep, list) else [dep] if dep else []:
                    self.add_dependency(bodies, d, ws)
            self.lists[(ws.id + "/computes").lower()] = (
                "computes", [bodies.compute(ws, *c) for c in ws.computes])
            self.lists[(ws.id + "/onlineEndpoints").lower()] = (
                "onlineEndpoints", [bodies.online_endpoint(ws, e) for e in ws.endpoints])
        for pe in scenario.extra_pes + [storage_pe()]:
            self.resources[pe.id.lower()] = bodies.private_endpoint(pe, None)
            self.resources[pe.nic_id.lower()] = bodies.nic(pe, None)
        self.lists[f"/subscriptions/{SUB}/providers/{ML}/workspaces".lower()] = ("workspaces", ws_items)
        for rg in sorted({ws.rg for ws in scenario.workspaces}):
            self.lists[f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{ML}/workspaces".lower()] = (
                "workspaces", [b for w, b in zip(scenario.workspaces, ws_items) if w.rg == rg])
        main = scenario.workspaces[0]
        self.main_path = main.id.lower()
        if scenario.huge_bytes:
            wb = self.resources[self.main_path]
            wb["properties"]["description"] = "x" * scenario.huge_bytes
        # Canonical spelling of each path, for nextLinks.
        self.spelling = {}
        for ws in scenario.workspaces:
            for suffix in ("/computes", "/onlineEndpoints"):
                self.spelling[(ws.id + suffix).lower()] = ws.id + suffix
        self.spelling[f"/subscriptions/{SUB}/providers/{ML}/workspaces".lower()] = \
            f"/subscriptions/{SUB}/providers/{ML}/workspaces"
        self.faults = list(scenario.faults)
        self.lock = threading.Lock()
        self.denied = {p.lower() for p in scenario.denied}
        if scenario.tweak:
            scenario.tweak(self)

    def add_dependency(self, bodies, dep, ws):
        self.resources[dep.id.lower()] = bodies.dependency(dep, ws.region)
        if dep.forbidden:
            self.forbidden.add(dep.id.lower())
        for pe in dep.pes:
            self.resources[pe.id.lower()] = bodies.private_endpoint(pe, ws)
            self.resources[pe.nic_id.lower()] = bodies.nic(pe, ws)

    def next_fault(self):
        with self.lock:
            if not self.faults:
                return None
            if self.sc.fault_forever and len(self.faults) == 1:
                return self.faults[0]
            return self.faults.pop(0)


# ---------------------------------------------------------------------------
# Tokens

class Tokens:
    def __init__(self, expire_first):
        self.lock = threading.Lock()
        self.issued = {CLI_TOKEN: {"origin": "cli", "expired": False}}
        self.expire_first = expire_first
        self.count = 0

    def issue(self, origin):
        tok = "tok-" + secrets.token_hex(16)
        with self.lock:
            self.count += 1
            expired = self.expire_first and self.count == 1
            self.issued[tok] = {"origin": origin, "expired": expired}
        return tok

    def lookup(self, tok):
        with self.lock:
            return self.issued.get(tok)


# ---------------------------------------------------------------------------
# HTTP

class Log:
    def __init__(self, path):
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.f = open(path, "a", encoding="utf-8") if path else None

    def __call__(self, line):
        if self.f is None:
            return
        with self.lock:
            self.f.write(f"{time.monotonic() - self.t0:.3f} {line}\n")
            self.f.flush()


def aad_error(error, code, description):
    now = datetime.datetime.now(datetime.timezone.utc)
    trace = str(uuid.uuid4())
    corr = str(uuid.uuid4())
    return {"error": error,
            "error_description": f"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: "
                                 f"{corr} Timestamp: {now.strftime('%Y-%m-%d %H:%M:%SZ')}",
            "error_codes": [code],
            "timestamp": now.strftime("%Y-%m-%d %H:%M:%SZ"),
            "trace_id": trace, "correlation_id": corr,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}"}


def us_time(t):
    """ARM's way of writing times in ExpiredAuthenticationToken: 3/9/2023 8:29:47 AM."""
    h = t.hour % 12 or 12
    return f"{t.month}/{t.day}/{t.year} {h}:{t.minute:02d}:{t.second:02d} {'AM' if t.hour < 12 else 'PM'}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-azure"
    sys_version = ""
    timeout = 60  # idle keep-alive connections

    def log_message(self, fmt, *args):  # the default writes every request to stderr
        pass

    # -- plumbing ----------------------------------------------------------
    @property
    def app(self):
        return self.server.app

    @property
    def conn(self):
        return getattr(CONN, "id", 0)

    @staticmethod
    def encode(body):
        """A JSON body's bytes, as ARM sends them (fake_h2.py's too)."""
        return b"" if body is None else json.dumps(body, separators=(",", ":")).encode()

    def send(self, status, body=None, headers=None, raw=None):
        if raw is None:
            raw = self.encode(body)
        if self.app.delay:
            time.sleep(self.app.delay)
        try:
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("Cache-Control", "no-cache")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            # Head and body in one write: two would be two TCP segments (two
            # TLS records), and Nagle's algorithm against the client's delayed
            # ACK would add 40 ms to every response, which Azure does not.
            self._headers_buffer.append(b"\r\n")
            head = b"".join(self._headers_buffer)
            self._headers_buffer = []
            self.wfile.write(head + raw)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as e:
            self.close_connection = True
            self.app.log(f"< conn={self.conn} {status} aborted by the client ({e.__class__.__name__})")
            return
        ms = (time.monotonic() - self.t_start) * 1000
        self.app.log(f"< conn={self.conn} {status} {len(raw)} bytes {ms:.1f} ms")

    def arm_send(self, status, body=None, headers=None):
        h = {"x-ms-request-id": str(uuid.uuid4()),
             "x-ms-correlation-request-id": str(uuid.uuid4()),
             "x-ms-ratelimit-remaining-subscription-reads": "249"}
        h.update(headers or {})
        self.send(status, body, h)

    def begin(self):
        self.t_start = time.monotonic()
        u = urlsplit(self.path)
        self.url_path = unquote(u.path)
        self.query = parse_qs(u.query, keep_blank_values=True)
        self.form = None
        self.form_names = ""
        if self.command == "POST":
            n = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(n) if n else b""
            if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() == \
                    "application/x-www-form-urlencoded":
                self.form = {k: v[0] for k, v in parse_qs(data.decode("utf-8", "replace"),
                                                        keep_blank_values=True).items()}
                self.form_names = " form=" + ",".join(sorted(self.form))

    def q(self, name):
        v = self.query.get(name)
        return v[0] if v else None

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, TimeoutError, socket.timeout):
            self.close_connection = True

    def do_GET(self):
        self.begin()
        self.dispatch()

    def do_POST(self):
        self.begin()
        self.dispatch()

    def do_PUT(self):
        self.begin()
        self.dispatch()

    do_DELETE = do_PATCH = do_PUT

    def dispatch(self):
        login = self.url_path.startswith("/login/")
        auth = self.auth_origin() if self.server.scheme == "https" and not login else ""
        self.app.log(f"> conn={self.conn} {self.server.scheme} {self.command} {self.path}"
                     f"{' auth=' + auth if auth else ''}{self.form_names}")
        if self.server.scheme == "https" and not login and self.app.should_drop(self.command, self.path):
            return self.drop()
        if self.server.scheme == "https":
            if login:
                return self.token_endpoint()
            return self.arm(auth)
        return self.managed_identity()

    # -- Microsoft Entra ID -------------------------------------------------
    def token_endpoint(self):
        m = re.fullmatch(r"/login/([^/]+)/oauth2/v2\.0/token", self.url_path)
        if m is None or self.command != "POST":
            return self.send(404, {"error": "invalid_request", "error_description": "not found"})
        tenant, f = m.group(1), self.form
        if f is None:
            return self.send(400, aad_error("invalid_request", 900144,
                             "The request body must contain the following parameter: 'grant_type'."))
        for need in ("grant_type", "client_id", "scope"):
            if not f.get(need):
                return self.send(400, aad_error("invalid_request", 900144,
                                 f"The request body must contain the following parameter: '{need}'."))
        if f["grant_type"] != "client_credentials":
            return self.send(400, aad_error("unsupported_grant_type", 70003,
                             "The app requested an unsupported grant type."))
        if tenant != TENANT:
            return self.send(400, aad_error("invalid_request", 90002, f"Tenant '{tenant}' not found. "
                             "Check to make sure you have the correct tenant ID and are signing into the "
                             "correct cloud."))
        if f["client_id"] != CLIENT_ID:
            return self.send(400, aad_error("unauthorized_client", 700016,
                             f"Application with identifier '{f['client_id']}' was not found in the "
                             f"directory '{tenant}'."))
        if not f["scope"].endswith("/.default"):
            return self.send(400, aad_error("invalid_scope", 1002012,
                             f"The provided value for scope {f['scope']} is not valid. Client credential "
                             "flows must have a scope value with /.default suffixed to the resource "
                             "identifier (application ID URI)."))
        if "client_assertion" in f:
            if f.get("client_assertion_type") != JWT_BEARER:
                return self.send(400, aad_error("invalid_request", 50027, "JWT token is invalid or "
                                 "malformed. client_assertion_type must be "
                                 "'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'."))
            if f["client_assertion"] != ASSERTION:
                return self.send(400, aad_error("invalid_request", 50027,
                                 "JWT token is invalid or malformed."))
            origin = "wi"
        elif "client_secret" in f:
            if f["client_secret"] != CLIENT_SECRET:
                return self.send(401, aad_error("invalid_client", 7000215,
                                 "Invalid client secret provided. Ensure the secret being sent in the "
                                 "request is the client secret value, not the client secret ID, for a "
                                 f"secret added to app '{CLIENT_ID}'."))
            origin = "sp"
        else:
            return self.send(401, aad_error("invalid_client", 7000218, "The request body must contain "
                             "the following parameter: 'client_assertion' or 'client_secret'."))
        tok = self.app.tokens.issue(origin)
        self.send(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                        "access_token": tok}, {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"})

    # -- managed identity (plain HTTP) --------------------------------------
    def managed_identity(self):
        resource, now = self.q("resource"), int(time.time())
        if self.url_path == "/msi/token":  # App Service, api-version 2019-08-01
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                return self.send(401, {"statusCode": 401, "message": "Unauthorized request"})
            if not self.q("api-version") or not resource:
                return self.send(400, {"statusCode": 400, "message": "The 'api-version' and 'resource' "
                                       "query parameters are required."})
            return self.send(200, {"access_token": self.app.tokens.issue("appservice"),
                                   "expires_on": str(now + 86399), "resource": resource,
                                   "token_type": "Bearer", "client_id": CLIENT_ID})
        if self.url_path == "/automation/token":  # App Service's protocol, as Azure Automation serves it
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER or \
                    self.headers.get("Metadata", "").lower() != "true":
                return self.send(400, {"error": "invalid_request",
                                       "error_description": "Required metadata header not specified"})
            return self.send(200, {"access_token": self.app.tokens.issue("automation"),
                                   "expires_on": str(now + 86399), "resource": resource,
                                   "token_type": "Bearer", "client_id": CLIENT_ID})
        if self.url_path == "/mlmsi/token":  # Azure ML compute, api-version 2017-09-01
            if self.headers.get("secret") != MSI_SECRET:
                return self.send(401, {"error": "invalid_request", "error_description": "Unauthorized"})
            if not self.q("api-version") or not resource:
                return self.send(400, {"error": "invalid_request", "error_description":
                                       "Required query variable 'resource' is missing"})
            exp = datetime.datetime.fromtimestamp(now + 3599, datetime.timezone.utc)
            return self.send(200, {"access_token": self.app.tokens.issue("azureml"),
                                   "expires_on": exp.strftime("%m/%d/%Y %H:%M:%S +00:00"),
                                   "resource": resource, "token_type": "Bearer", "client_id": CLIENT_ID})
        if self.url_path == "/metadata/identity/oauth2/token":  # IMDS, api-version 2018-02-01
            if self.headers.get("Metadata", "").lower() != "true":
                return self.send(400, {"error": "invalid_request",
                                       "error_description": "Required metadata header not specified"})
            if not self.q("api-version"):
                return self.send(400, {"error": "invalid_request",
                                       "error_description": "Required query variable 'api-version' is missing"})
            if not resource:
                return self.send(400, {"error": "invalid_request",
                                       "error_description": "Required query variable 'resource' is missing"})
            # IMDS writes its numbers as strings.
            return self.send(200, {"access_token": self.app.tokens.issue("imds"), "client_id": CLIENT_ID,
                                   "expires_in": "86399", "expires_on": str(now + 86399),
                                   "ext_expires_in": "86399", "not_before": str(now - 300),
                                   "resource": resource, "token_type": "Bearer"})
        return self.send(404, {"error": "not_found", "error_description": f"no route {self.url_path}"})

    # -- Azure Resource Manager ---------------------------------------------
    def auth_origin(self):
        h = self.headers.get("Authorization")
        if not h:
            return "none"
        scheme, _, tok = h.partition(" ")
        info = self.app.tokens.lookup(tok.strip()) if scheme.lower() == "bearer" else None
        if info is None:
            return "invalid"
        return "expired" if info["expired"] else info["origin"]

    def arm(self, auth):
        if auth == "none":
            return self.arm_send(401, arm_error("AuthenticationFailed",
                                 "Authentication failed. The 'Authorization' header is missing."),
                                 {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/", '
                                  'error="invalid_token", error_description="The authentication failed because of '
                                  'missing \'Authorization\' header."'})
        if auth == "invalid":
            return self.arm_send(401, arm_error("InvalidAuthenticationToken", "The access token is invalid."),
                                 {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/", '
                                  'error="invalid_token", error_description="The access token is invalid."'})
        if auth == "expired":
            now = datetime.datetime.now(datetime.timezone.utc)
            return self.arm_send(401, arm_error(
                "ExpiredAuthenticationToken",
                f"The access token expiry UTC time '{us_time(now - datetime.timedelta(minutes=13))}' is "
                f"earlier than current UTC time '{us_time(now)}'."),
                {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/", '
                 'error="invalid_token", error_description="The access token has expired."'})
        if not self.q("api-version"):
            return self.arm_send(400, arm_error("MissingApiVersionParameter",
                                 "The api-version query parameter (?api-version=) is required for all requests."))
        if self.command != "GET":
            return self.arm_send(405, arm_error("MethodNotAllowed", "The tool only reads."))
        path = self.url_path.rstrip("/").lower()
        world = self.app.world
        if path == world.main_path:
            fault = world.next_fault()
            if fault == "stall":
                self.app.log(f"= conn={self.conn} stalling")
                self.app.stop.wait()
                self.close_connection = True
                return
            if isinstance(fault, str):
                return self.hostile_answer(fault)
            if fault is not None:
                status, headers, body = fault
                return self.arm_send(status, body, headers)
        if path in world.forbidden:
            return self.arm_send(403, forbidden(path))
        if path in world.denied:
            return self.arm_send(*denied_at(self.url_path))
        if path in world.resources:
            return self.arm_send(200, world.resources[path])
        if path in world.lists:
            return self.arm_list(path)
        return self.arm_send(404, not_found(self.url_path))

    def drop(self):
        """--drop: close the connection without a byte of answer, as a VPN
        blip or a restarting front end does (the client sees an empty reply
        or a reset)."""
        self.app.log(f"x conn={self.conn} dropped {self.command} {self.path}")
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def hostile_answer(self, fault):
        """The answers of the issue #4 transport scenarios (see GZIP_BOMB...)."""
        if fault == REDIRECT_HERE:
            loc = f"https://localhost:{self.app.https_port}/redirected{self.url_path}?api-version=2025-09-01"
            return self.arm_send(302, None, {"Location": loc})
        if fault == GZIP_BOMB:
            return self.send(200, raw=gzip_bomb(),
                             headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        sent = 0
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if fault == DRIP:
                self.send_header("Content-Length", str(1 << 20))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b'{"name": "myws", "properties": {"description": "')
            self.close_connection = True
            chunk = b" " * (1 << 20)
            while not self.app.stop.is_set() and sent < (64 << 20):
                if fault == DRIP:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    sent += 1
                    self.app.stop.wait(0.2)
                else:
                    self.wfile.write(chunk)
                    sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError) as e:
            self.app.log(f"< conn={self.conn} 200 {fault}: {sent} bytes sent, then the client "
                         f"closed ({e.__class__.__name__})")
            return
        self.app.log(f"< conn={self.conn} 200 {fault}: {sent} bytes sent")

    def arm_list(self, path):
        world = self.app.world
        kind, items = world.lists[path]
        size = world.sc.page.get(kind, 1000)
        try:
            skip = int(self.q("$skip") or 0)
        except ValueError:
            return self.arm_send(400, arm_error("InvalidSkipToken", "The continuation token is not valid."))
        body = {"value": items[skip:skip + size]}
        if skip + size < len(items):
            canon = world.spelling.get(path, self.url_path)
            body["nextLink"] = (f"https://127.0.0.1:{self.app.https_port}{canon}"
                                f"?api-version={NEXT_API_VERSION}&$skip={skip + size}")
        self.arm_send(200, body)


def forbidden(path):
    m = re.search(r"/providers/([^/]+/[^/]+)/", path + "/", re.I)
    action = f"{m.group(1)}/read" if m else "read"
    return arm_error("AuthorizationFailed",
                     f"The client '{CLIENT_ID}' with object id '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e' does not "
                     f"have authorization to perform action '{action}' over scope '{path}' or the scope is "
                     "invalid. If access was recently granted, please refresh your credentials.")


def not_found(path):
    m = re.search(r"/resourceGroups/([^/]+)/providers/([^/]+)/([^/]+)/([^/]+)", path, re.I)
    if m:
        what, rg = f"{m.group(2)}/{m.group(3)}/{m.group(4)}", m.group(1)
    else:
        what, rg = path, "-"
    return arm_error("ResourceNotFound", f"The Resource '{what}' under resource group '{rg}' was not found. "
                     "For more details please go to https://aka.ms/ARMResourceNotFoundFix")


CONN = threading.local()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, app, scheme, ssl_ctx=None):
        self.app = app
        self.scheme = scheme
        self.ssl_ctx = ssl_ctx
        super().__init__(("127.0.0.1", 0), Handler)

    def peer_uid(self, client_address):
        """The uid that owns the client's end of the connection, from
        /proc/net/tcp (the client is on this machine): tests check that no
        request to Azure comes from root. "?" where that cannot be read."""
        try:
            a, port = client_address[0], client_address[1]
            want = "%s:%04X" % ("".join("%02X" % int(x) for x in reversed(a.split("."))), port)
            with open("/proc/net/tcp") as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[1] == want:
                        return fields[7]
        except (OSError, ValueError, IndexError):
            pass
        return "?"

    def finish_request(self, request, client_address):
        """Runs in the connection's own thread: TLS is set up here, so a
        client that stalls in the handshake blocks nobody else."""
        conn_id = self.app.new_conn()
        peer = f"{client_address[0]}:{client_address[1]}"
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_ctx is not None:
            try:
                request.settimeout(30)
                request = self.ssl_ctx.wrap_socket(request, server_side=True)
                request.settimeout(None)
            except (ssl.SSLError, OSError) as e:
                self.app.log(f"! conn={conn_id} {self.scheme} tls: {e}")
                return
        CONN.id = conn_id  # each connection has a thread of its own
        self.app.log(f"+ conn={conn_id} {self.scheme} {peer} uid={self.peer_uid(client_address)}")
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            if self.ssl_ctx is not None:
                try:
                    request.close()
                except OSError:
                    pass

    def handle_error(self, request, client_address):
        pass  # a client that went away is no news here


class App:
    def __init__(self, args):
        self.log = Log(args.log)
        self.delay = args.delay_ms / 1000.0
        self.world = World(SCENARIOS[args.scenario](), Fixtures(args.fixtures))
        self.tokens = Tokens(self.world.sc.expire_first_token)
        self.stop = threading.Event()
        self._conn = 0
        self._lock = threading.Lock()
        self.https_port = 0
        self.drop_mode = args.drop
        self.dropped = {}  # (method, path) -> tries dropped so far

    def should_drop(self, method, path):
        """--drop N: the first N tries of each ARM request; always: every one.
        (libcurl itself tries once more, on a fresh connection, a request whose
        reused connection closed unanswered: N = 2 makes sure that a retry of
        amlhosts' own is needed.)"""
        if self.drop_mode is None:
            return False
        if self.drop_mode == "always":
            return True
        with self._lock:
            n = self.dropped.get((method, path), 0)
            if n >= int(self.drop_mode):
                return False
            self.dropped[(method, path)] = n + 1
            return True

    def new_conn(self):
        with self._lock:
            self._conn += 1
            return self._conn


_bomb = None
_bomb_lock = threading.Lock()


def gzip_bomb():
    """64 MiB of JSON in 64 KiB of gzip, made once: compressing it takes most
    of a second of CPU, and amlhosts asks for three resources at once; on a
    loaded machine three compressions outlasted its request timeout."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            import gzip
            body = b'{"name": "myws", "properties": {"description": "' + b" " * (64 << 20) + b'"}}'
            _bomb = gzip.compress(body, 9)
        return _bomb


def write_port(path, port):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True, help="holds server.pem/server.key; gets https.port, http.port")
    ap.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    ap.add_argument("--delay-ms", type=float, default=0, help="latency added to every response")
    ap.add_argument("--log", help="append a line per connection and request here")
    ap.add_argument("--lifetime", type=float, default=120, help="exit after this many seconds")
    ap.add_argument("--fixtures", default=DEFAULT_FIXTURES, help="the azure-rest-api-specs examples")
    ap.add_argument("--drop", type=lambda v: v if v == "always" else str(int(v)),
                    help="close ARM connections without an answer: on each request's first N tries, or always")
    args = ap.parse_args()

    for name in ("https.port", "http.port"):
        try:
            os.unlink(os.path.join(args.dir, name))
        except FileNotFoundError:
            pass
    app = App(args)
    if GZIP_BOMB in app.world.sc.faults:
        gzip_bomb()  # before the port files: answering it is then instant
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(args.dir, "server.pem"), os.path.join(args.dir, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])
    https = Server(app, "https", ctx)
    http = Server(app, "http")
    app.https_port = https.server_address[1]
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
               for s in (https, http)]
    for t in threads:
        t.start()

    def on_signal(signum, frame):
        app.stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    write_port(os.path.join(args.dir, "http.port"), http.server_address[1])
    write_port(os.path.join(args.dir, "https.port"), https.server_address[1])
    app.log(f"* scenario={args.scenario} https={https.server_address[1]} http={http.server_address[1]} "
            f"delay={args.delay_ms:g}ms pid={os.getpid()}")
    if not app.stop.wait(args.lifetime):
        app.log("* lifetime over")
    app.stop.set()
    for s in (https, http):
        s.shutdown()
        s.server_close()
    app.log("* stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
