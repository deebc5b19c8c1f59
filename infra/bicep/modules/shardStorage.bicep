// One shard account per zone (the zone is the failure domain, so each account is LRS):
// a file share that the function apps mount as the zone's directory (the disk shard store),
// and a blob container for the blob shard store.

param name string
param location string
param tags object
@description('Zone name, for example zone-a.')
param zone string
@description('Quota of the zone\'s file share, in GiB.')
param shareQuotaGiB int

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: union(tags, { 'objectstore-zone': zone })
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource shardContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'shards'
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileService
  name: 'shards'
  properties: {
    shareQuota: shareQuotaGiB
  }
}

output id string = account.id
output name string = account.name
output shareName string = share.name
output containerName string = shardContainer.name
