// ObjectStore on Azure: the index account (tables, events queue, host storage), one shard
// account per zone, a Flex Consumption plan (FC1, Linux), the four function apps (.NET 10
// isolated worker, system-assigned identities with data-plane roles), Application Insights,
// and a Key Vault holding the S3 master secret key. See infra/README.md.

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

@description('Access key id of the root S3 user.')
param s3AccessKey string = 'objectstore'

@secure()
@minLength(16)
@description('Secret key of the root S3 user (the master key), kept in Key Vault.')
param s3SecretKey string

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

@description('Quota of each zone\'s file share, in GiB.')
param shardShareQuotaGiB int = 1024

@description('Largest instance count of the gateway app.')
param gatewayMaximumInstanceCount int = 40

param tags object = {}

var allTags = union(tags, { 'objectstore-environment': environmentName })
var prefix = toLower('os${environmentName}')
var suffix = take(uniqueString(resourceGroup().id, environmentName), 10)
var zoneLetters = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
var eventsQueue = 'objectstore-events'

var apps = [
  { key: 'gateway', memory: 4096, maxInstances: gatewayMaximumInstanceCount, extra: { AzureWebJobsDisableHomepage: 'true' } }
  { key: 'lifecycle', memory: 2048, maxInstances: 1, extra: {} }
  { key: 'repair', memory: 2048, maxInstances: 1, extra: {} }
  { key: 'notify', memory: 2048, maxInstances: 10, extra: {} }
]

module index 'modules/indexStorage.bicep' = {
  name: 'index-storage'
  params: {
    name: '${prefix}ix${suffix}'
    location: location
    tags: allTags
    deploymentContainers: [for app in apps: 'deploy-${app.key}']
    queues: [
      eventsQueue
      '${eventsQueue}-poison'
    ]
  }
}

module shards 'modules/shardStorage.bicep' = [
  for i in range(0, zoneCount): {
    name: 'shard-storage-zone-${zoneLetters[i]}'
    params: {
      name: '${prefix}z${zoneLetters[i]}${suffix}'
      location: location
      tags: allTags
      zone: 'zone-${zoneLetters[i]}'
      shareQuotaGiB: shardShareQuotaGiB
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
    indexAccountName: index.outputs.name
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
    shareName: 'shards'
  }
]

// The same keys as functions/*/local.settings.sample.json (FUNCTIONS_WORKER_RUNTIME is the
// plan's runtime setting and AzureWebJobsStorage is identity-based on Flex Consumption).
var objectStoreSettings = {
  OBJECTSTORE_STORAGE_CONNECTION_STRING: '@Microsoft.KeyVault(SecretUri=${vault.outputs.storageConnectionUri})'
  OBJECTSTORE_LIFECYCLE_SCHEDULE: lifecycleSchedule
  OBJECTSTORE_REPAIR_SCHEDULE: repairSchedule
  OBJECTSTORE_DATA: '/mounts'
  OBJECTSTORE_ZONES: join(map(zones, zone => zone.zone), ',')
  OBJECTSTORE_ACCESS_KEY: s3AccessKey
  OBJECTSTORE_SECRET_KEY: '@Microsoft.KeyVault(SecretUri=${vault.outputs.secretKeyUri})'
  OBJECTSTORE_REGION: s3Region
  OBJECTSTORE_BASE_DOMAIN: baseDomain
  OBJECTSTORE_TABLE_PREFIX: tablePrefix
  // Read once Hosting binds the "ObjectStore:Data" options section; STANDARD is 4+2 until then.
  ObjectStore__Data__StorageClasses__STANDARD: erasureProfile
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
      zones: zones
      keyVaultName: vault.outputs.name
      appSettings: union(objectStoreSettings, app.extra)
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
