// One isolated-worker function app (.NET 10) on the Flex Consumption plan, with a
// system-assigned identity and the data-plane roles it needs, each scoped as tightly as the
// app allows: no account key or connection string in any app setting.

param name string
param location string
param tags object
param planId string
@description('The index account: AzureWebJobsStorage (by identity), tables, queues, deployment packages.')
param indexAccountName string
@description('Blob container in the index account that holds this app\'s deployment package.')
param deploymentContainer string
@description('Queues of the index account this app sends to or triggers on (events, restores, their poison queues, repair heal).')
param queues array
@description('The zones: { zone, accountName, containerName } each.')
param zones array
@description('Whether the app reads and writes shards (Gateway, Lifecycle, Repair); Notify does not.')
param shardAccess bool
param keyVaultName string
@description('Name of the Key Vault secret holding the S3 master secret key.')
param secretName string
@description('Name of the Key Vault secret holding the master key that seals users\' secret keys.')
param masterKeySecretName string
@description('App settings (name to value) besides the host\'s own storage and telemetry settings.')
param appSettings object
param appInsightsConnectionString string
@description('Largest instance count the plan may scale this app to.')
param maximumInstanceCount int
@allowed([
  2048
  4096
])
param instanceMemoryMB int

var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource indexAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: indexAccountName
}

resource queueResources 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [
  for queue in queues: {
    name: '${indexAccountName}/default/${queue}'
  }
]

resource shardContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for zone in zones: {
    name: '${zone.accountName}/default/${zone.containerName}'
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: secretName
}

resource masterKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: masterKeySecretName
}

var hostSettings = {
  AzureWebJobsStorage__accountName: indexAccount.name
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: planId
    httpsOnly: true
    keyVaultReferenceIdentity: 'SystemAssigned'
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(union(hostSettings, appSettings)): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${indexAccount.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// The Functions host keeps its leases and this app's deployment package in the index account's
// blobs (Blob Data Owner is what identity-based AzureWebJobsStorage needs); the index tables are
// created at start-up with OBJECTSTORE_TABLE_PREFIX, so the table role is on the account.
resource indexRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.blobDataOwner, roles.tableDataContributor]: {
    name: guid(indexAccount.id, name, role)
    scope: indexAccount
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

// Only the named queues, not the whole queue service.
resource queueRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queue, i) in queues: {
    name: guid(queueResources[i].id, name, roles.queueDataContributor)
    scope: queueResources[i]
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.queueDataContributor)
    }
  }
]

// Only each zone's shard container, and only for the apps that touch shards.
resource shardRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (zone, i) in zones: if (shardAccess) {
    name: guid(shardContainers[i].id, name, roles.blobDataContributor)
    scope: shardContainers[i]
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    }
  }
]

// Only the S3 master secret, not the whole vault.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(secret.id, name, roles.keyVaultSecretsUser)
  scope: secret
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// And the master key that seals users' secret keys.
resource masterKeyUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(masterKeySecret.id, name, roles.keyVaultSecretsUser)
  scope: masterKeySecret
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
