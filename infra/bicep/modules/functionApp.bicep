// One isolated-worker function app (.NET 10) on the Flex Consumption plan, with a
// system-assigned identity, its data-plane roles, and the shard zones mounted as directories.

param name string
param location string
param tags object
param planId string
@description('The index account: AzureWebJobsStorage (by identity), tables, queues, deployment packages.')
param indexAccountName string
@description('Blob container in the index account that holds this app\'s deployment package.')
param deploymentContainer string
@description('The zones: { zone, accountName, shareName } each; every share is mounted at /mounts/zones/<zone> ({OBJECTSTORE_DATA}/zones/<zone>).')
param zones array
param keyVaultName string
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

// The host's storage uses the identity: blob (leases, deployment package), queue, table.
var indexRoles = [
  roles.blobDataOwner
  roles.queueDataContributor
  roles.tableDataContributor
]

resource indexAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: indexAccountName
}

resource shardAccounts 'Microsoft.Storage/storageAccounts@2023-05-01' existing = [
  for zone in zones: {
    name: zone.accountName
  }
]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
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

// Each zone's file share is mounted at /mounts/zones/<zone> ({OBJECTSTORE_DATA}/zones/<zone>): OBJECTSTORE_DATA is /mounts and OBJECTSTORE_ZONES names the zones.
// Azure Files mounts take the account key, handed over as a secure parameter.
module mounts 'zoneMounts.bicep' = {
  name: '${name}-zone-mounts'
  params: {
    siteName: site.name
    zones: zones
    accessKeys: {
      values: [for (zone, i) in zones: shardAccounts[i].listKeys().keys[0].value]
    }
  }
}

resource indexRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in indexRoles: {
    name: guid(indexAccount.id, name, role)
    scope: indexAccount
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource shardRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (zone, i) in zones: {
    name: guid(shardAccounts[i].id, name, roles.blobDataContributor)
    scope: shardAccounts[i]
    properties: {
      principalId: site.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataContributor)
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, name, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
