// One shard account per zone: the zone is the failure domain, so each account is LRS by
// default (ZRS, or an account in another region, for stronger zones). It holds one blob
// container, the zone's shards (block blobs, see docs/blob-layout.md). Shared-key access is
// off: the apps reach it with their managed identities only.

param name string
@description('Region of this zone\'s account (a separate region per zone spreads the zones across regions).')
param location string
param tags object
@description('Zone name, for example zone-a.')
param zone string
@description('Blob container of the zone\'s shards: OBJECTSTORE_BLOB_CONTAINER_PREFIX followed by the zone name.')
param containerName string
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
@description('Redundancy of the account.')
param skuName string = 'Standard_LRS'
@allowed([
  'Hot'
  'Cool'
  'Cold'
])
@description('Default access tier of the account; shards of storage classes listed in OBJECTSTORE_BLOB_ACCESS_TIERS get their own tier.')
param accessTier string = 'Hot'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: union(tags, { 'objectstore-zone': zone })
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: accessTier
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource shardContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: containerName
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output containerName string = shardContainer.name
