// The index account: the metadata tables, the events queue, the host's own storage
// (AzureWebJobsStorage: timer leases, queue bookkeeping) and the apps' deployment packages.
// Shared-key access is off: everything reaches it with a managed identity.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object
@description('Names of the blob containers that hold each function app\'s deployment package.')
param deploymentContainers array
@description('Queues to create: events, restores, their poison queues and the repair heal queue.')
param queues array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in deploymentContainers: {
    parent: blobService
    name: container
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queueResources 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in queues: {
    parent: queueService
    name: queue
  }
]

// Tables are created by the core at start-up (their names carry OBJECTSTORE_TABLE_PREFIX);
// the service is declared so the account is ready for them.
resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
