// ObjectStore on Azure: the index account (tables, events queue, host storage), one shard
// account per zone with one blob container (the Blob shard store), a Flex Consumption plan
// (FC1, Linux), the four function apps (.NET 10 isolated worker, system-assigned identities
// with data-plane roles scoped to what each app touches; no account keys anywhere),
// Application Insights, and a Key Vault holding the S3 master secret key. See infra/README.md.

targetScope = 'resourceGroup'

@description('Short environment name (lowercase letters and digits), part of every resource name.')
@minLength(2)
@maxLength(8)
param environmentName string

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Number of shard zones (failure domains), one storage account each.')
@minValue(1)
@maxValue(8)
param zoneCount int = 3

@description('Erasure profile "k+m" of the STANDARD storage class; k+m shards spread over the zones.')
param erasureProfile string = '4+2'

@description('Profiles of the other storage classes, "CLASS=k+m,..." over the built-in defaults (README: Lifecycle and storage classes); empty keeps the defaults.')
param storageClassProfiles string = ''

@description('Access key id of the root S3 user.')
param s3AccessKey string = 'objectstore'

@secure()
@minLength(16)
@description('Secret key of the root S3 user (the master key), kept in Key Vault.')
param s3SecretKey string
@secure()
@description('Master key that seals users\' secret access keys and objects\' data keys: base64 of 32 random bytes (openssl rand -base64 32). Keep it: without it no user key and no SSE-S3 object opens.')
param masterKey string
@secure()
@description('Retired master keys (base64, comma-separated) during a master key rotation only (docs/encryption.md); empty otherwise.')
param previousMasterKeys string = ''
@description('12-digit account id in principal ARNs (arn:aws:iam::<id>:user/<name>).')
param accountId string = '000000000000'
@allowed([ 'new-buckets', 'enforce', 'off' ])
@description('Server-wide public access block: new buckets start blocked, every bucket is blocked, or neither.')
param publicAccessBlock string = 'new-buckets'

@description('Objects up to this many bytes are stored in their index row (0 turns it off; at most 65520).')
@minValue(0)
@maxValue(65520)
param inlineMaxBytes int = 16384

@description('Index (Table) partitions of each new bucket: a power of two from 1 to 64. More partitions raise one bucket\'s request ceiling (about 2,000 index operations/s each on Azure) and make listings merge more partitions; a bucket can grow online later (objectstore-admin index grow).')
@allowed([1, 2, 4, 8, 16, 32, 64])
param indexPartitions int = 1

@description('Seconds a gateway instance caches a bucket record (0 turns the cache off).')
@minValue(0)
param bucketCacheSeconds int = 5

@description('Object Ownership of new buckets.')
@allowed(['ObjectWriter', 'BucketOwnerPreferred', 'BucketOwnerEnforced'])
param defaultObjectOwnership string = 'ObjectWriter'

@description('Accept Signature Version 2 (boto3\'s default presigned URLs) beside SigV4.')
@allowed(['on', 'off'])
param signatureV2 string = 'on'
@allowed([ 'off', 'AES256' ])
@description('Server-wide default encryption of new objects in buckets without their own (SSE-S3 when AES256); off by default, see docs/encryption.md.')
param defaultEncryption string = 'off'

@description('Region name the gateway signs and checks (SigV4).')
param s3Region string = 'us-east-1'

@description('Base domain for virtual-hosted-style requests (bucket.domain); empty for path style only.')
param baseDomain string = ''

@description('Prefix of the index tables, so several deployments can share one account.')
param tablePrefix string = 'objectstore'

@description('Six-field cron schedule of the lifecycle scan.')
param lifecycleSchedule string = '0 0 * * * *'

@description('Six-field cron schedule of the repair scan.')
param repairSchedule string = '0 */15 * * * *'

@description('Six-field cron schedule of the usage pass (per-bucket usage and cost are at most one interval plus one pass old).')
param usageSchedule string = '0 */15 * * * *'

@description('Where the apps export their OpenTelemetry metrics: azuremonitor (the Application Insights component below) or off.')
@allowed([
  'azuremonitor'
  'off'
])
param metricsExport string = 'azuremonitor'

@description('Regions of the zones\' accounts, one per zone; empty puts every zone in location (separate regions make each zone a region).')
param zoneLocations array = []

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Redundancy of each zone\'s account: LRS (the zone is the failure domain), ZRS for zones that each survive a datacenter loss.')
param shardAccountSku string = 'Standard_LRS'

@description('Blob container name prefix; each zone\'s container is this followed by the zone name.')
param blobContainerPrefix string = 'objectstore-'

@description('S3 storage class to Blob access tier of its shards, e.g. "STANDARD_IA=Cool,GLACIER_IR=Cold"; classes not listed use the account tier (Hot).')
param blobAccessTiers string = ''

@description('Six-field cron of the outbox sweep that moves events a crash left in the outbox onto the events queue.')
param outboxSweepSchedule string = '*/30 * * * * *'

@description('The queue that carries events from the outbox to the Notify function (its poison queue is <name>-poison).')
param eventsQueue string = 'objectstore-events'

// Accepted RestoreObject requests, drained by the Lifecycle app's Restore trigger, and the repair
// heal queue the gateway feeds on degraded reads: named after the table prefix, as the core does.
var restoreQueue = '${toLower(tablePrefix)}-restore'
var healQueue = '${toLower(tablePrefix)}-repair'
var queues = [
  eventsQueue
  '${eventsQueue}-poison'
  restoreQueue
  '${restoreQueue}-poison'
  healQueue
]

@description('Event delivery attempts before a message moves to the poison queue.')
param notificationMaxAttempts int = 8

@description('Event notification destinations, as app settings, e.g. { ObjectStore__Notifications__Webhooks__ml__Url: \'https://...\' } (README: Event notifications).')
param notificationDestinations object = {}

@description('Largest instance count of the gateway app.')
param gatewayMaximumInstanceCount int = 40

param tags object = {}

var allTags = union(tags, { 'objectstore-environment': environmentName })
var prefix = toLower('os${environmentName}')
var suffix = take(uniqueString(resourceGroup().id, environmentName), 10)
var zoneLetters = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

var apps = [
  { key: 'gateway', memory: 4096, maxInstances: gatewayMaximumInstanceCount, shards: true, extra: { AzureWebJobsDisableHomepage: 'true' } }
  { key: 'lifecycle', memory: 2048, maxInstances: 1, shards: true, extra: {} }
  { key: 'repair', memory: 2048, maxInstances: 1, shards: true, extra: {} }
  { key: 'notify', memory: 2048, maxInstances: 10, shards: false, extra: {} }
]

module index 'modules/indexStorage.bicep' = {
  name: 'index-storage'
  params: {
    name: '${prefix}ix${suffix}'
    location: location
    tags: allTags
    deploymentContainers: [for app in apps: 'deploy-${app.key}']
    queues: queues
  }
}

module shards 'modules/shardStorage.bicep' = [
  for i in range(0, zoneCount): {
    name: 'shard-storage-zone-${zoneLetters[i]}'
    params: {
      name: '${prefix}z${zoneLetters[i]}${suffix}'
      location: empty(zoneLocations) ? location : zoneLocations[i]
      tags: allTags
      zone: 'zone-${zoneLetters[i]}'
      containerName: '${blobContainerPrefix}zone-${zoneLetters[i]}'
      skuName: shardAccountSku
    }
  }
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: 'objectstore-${environmentName}'
    location: location
    tags: allTags
  }
}

module vault 'modules/keyVault.bicep' = {
  name: 'key-vault'
  params: {
    name: 'os-${environmentName}-${take(suffix, 8)}'
    location: location
    tags: allTags
    s3SecretKey: s3SecretKey
    masterKey: masterKey
  }
}

module plan 'modules/plan.bicep' = {
  name: 'plan'
  params: {
    name: 'objectstore-${environmentName}-plan'
    location: location
    tags: allTags
  }
}

var zones = [
  for i in range(0, zoneCount): {
    zone: 'zone-${zoneLetters[i]}'
    accountName: '${prefix}z${zoneLetters[i]}${suffix}'
    containerName: '${blobContainerPrefix}zone-${zoneLetters[i]}'
  }
]

// The same keys as functions/*/local.settings.sample.json, except that the storage connection
// is identity-based (the Functions "__serviceUri" convention, read by the core and by the Notify
// queue trigger alike) instead of a connection string, FUNCTIONS_WORKER_RUNTIME is the plan's
// runtime setting, and AzureWebJobsStorage is identity-based on Flex Consumption.
var objectStoreSettings = {
  OBJECTSTORE_STORAGE_CONNECTION_STRING__tableServiceUri: index.outputs.tableEndpoint
  OBJECTSTORE_STORAGE_CONNECTION_STRING__queueServiceUri: index.outputs.queueEndpoint
  OBJECTSTORE_STORAGE_CONNECTION_STRING__credential: 'managedidentity'
  OBJECTSTORE_LIFECYCLE_SCHEDULE: lifecycleSchedule
  OBJECTSTORE_REPAIR_SCHEDULE: repairSchedule
  OBJECTSTORE_USAGE_SCHEDULE: usageSchedule
  // Metrics go to the Application Insights component (APPLICATIONINSIGHTS_CONNECTION_STRING, set by functionApp.bicep): customMetrics.
  OBJECTSTORE_METRICS: metricsExport
  OBJECTSTORE_EVENTS_QUEUE: eventsQueue
  OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE: outboxSweepSchedule
  OBJECTSTORE_RESTORE_QUEUE: restoreQueue
  ObjectStore__Notifications__MaxAttempts: string(notificationMaxAttempts)
  // Only disk zones use the data directory; every zone here is a Blob container.
  OBJECTSTORE_DATA: '/tmp/objectstore'
  OBJECTSTORE_ZONES: join(map(zones, zone => zone.zone), ',')
  OBJECTSTORE_ZONE_BACKEND: 'blob'
  OBJECTSTORE_BLOB_CONTAINER_PREFIX: blobContainerPrefix
  OBJECTSTORE_BLOB_ZONE_ENDPOINTS: join(map(zones, zone => '${zone.zone}=https://${zone.accountName}.blob.${environment().suffixes.storage}/'), ',')
  OBJECTSTORE_BLOB_ACCESS_TIERS: blobAccessTiers
  OBJECTSTORE_ACCESS_KEY: s3AccessKey
  OBJECTSTORE_SECRET_KEY: '@Microsoft.KeyVault(SecretUri=${vault.outputs.secretKeyUri})'
  OBJECTSTORE_REGION: s3Region
  OBJECTSTORE_BASE_DOMAIN: baseDomain
  OBJECTSTORE_TABLE_PREFIX: tablePrefix
  OBJECTSTORE_MASTER_KEY: '@Microsoft.KeyVault(SecretUri=${vault.outputs.masterKeyUri})'
  // Unused while OBJECTSTORE_MASTER_KEY is set; instances share no local disk in Azure.
  OBJECTSTORE_MASTER_KEY_FILE: ''
  // Set only between restarting on a new master key and the end of `master-key rewrap`.
  OBJECTSTORE_MASTER_KEY_PREVIOUS: previousMasterKeys
  OBJECTSTORE_ACCOUNT_ID: accountId
  OBJECTSTORE_PUBLIC_ACCESS_BLOCK: publicAccessBlock
  // The one setting of storage-class profiles: STANDARD's, then any others over the built-in defaults.
  OBJECTSTORE_STORAGE_CLASSES: empty(storageClassProfiles) ? 'STANDARD=${erasureProfile}' : 'STANDARD=${erasureProfile},${storageClassProfiles}'
  OBJECTSTORE_DEFAULT_ENCRYPTION: defaultEncryption
  // Objects up to this many bytes live in their index row (docs/index-schema.md, inline data).
  OBJECTSTORE_INLINE_MAX_BYTES: string(inlineMaxBytes)
  // Disk zones only (none here): how much freshly written data stays in the page cache.
  OBJECTSTORE_DISK_WRITE_CACHE_BYTES: '536870912'
  // Index partitions of new buckets (a power of two, 1-64; docs/index-schema.md, "Partitioned buckets"), and how
  // long an instance trusts a bucket's routing (a split waits that long plus a margin before moving keys).
  OBJECTSTORE_INDEX_PARTITIONS: string(indexPartitions)
  OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS: '5'
  // Bucket records are cached per instance this long; other instances see a bucket change within it.
  OBJECTSTORE_BUCKET_CACHE_SECONDS: string(bucketCacheSeconds)
  OBJECTSTORE_DEFAULT_OBJECT_OWNERSHIP: defaultObjectOwnership
  OBJECTSTORE_SIGV2: signatureV2
  OBJECTSTORE_LIFECYCLE_DAY: '1.00:00:00'
  OBJECTSTORE_LIFECYCLE_BATCH: '250'
  // A pass stops (keeping its cursors) well inside the Flex Consumption 30-minute default timeout.
  OBJECTSTORE_LIFECYCLE_TIME_LIMIT: '00:25:00'
  OBJECTSTORE_LIFECYCLE_LEASE: '00:05:00'
  OBJECTSTORE_PRICES: ''
  OBJECTSTORE_COST_CURRENCY: 'USD'
  OBJECTSTORE_COST_USD_RATE: '1'

}

module functionApps 'modules/functionApp.bicep' = [
  for app in apps: {
    name: 'app-${app.key}'
    dependsOn: [
      shards
    ]
    params: {
      name: 'objectstore-${environmentName}-${app.key}-${take(suffix, 6)}'
      location: location
      tags: union(allTags, { 'objectstore-app': app.key })
      planId: plan.outputs.id
      indexAccountName: index.outputs.name
      deploymentContainer: 'deploy-${app.key}'
      queues: queues
      zones: zones
      shardAccess: app.shards
      keyVaultName: vault.outputs.name
      secretName: vault.outputs.secretName
      masterKeySecretName: vault.outputs.masterKeySecretName
      appSettings: union(objectStoreSettings, notificationDestinations, app.extra)
      appInsightsConnectionString: monitoring.outputs.connectionString
      maximumInstanceCount: app.maxInstances
      instanceMemoryMB: app.memory
    }
  }
]

output gatewayHostName string = functionApps[0].outputs.defaultHostName
output functionAppNames array = [for (app, i) in apps: functionApps[i].outputs.name]
output indexAccountName string = index.outputs.name
output keyVaultName string = vault.outputs.name
output shardAccountNames array = [for i in range(0, zoneCount): shards[i].outputs.name]
