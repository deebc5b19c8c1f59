// Key Vault (RBAC) for the S3 master secret key and the index account's connection string.
// The apps read both through Key Vault references in their app settings.

param name string
param location string
param tags object
@secure()
@description('Secret key of the root S3 access key.')
param s3SecretKey string
@description('Name of the index storage account, whose connection string the core reads.')
param indexAccountName string

resource indexAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: indexAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
  }
}

resource secretKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 's3-secret-key'
  properties: {
    value: s3SecretKey
  }
}

resource storageConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${indexAccount.name};AccountKey=${indexAccount.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

output id string = vault.id
output name string = vault.name
output secretKeyUri string = secretKey.properties.secretUri
output storageConnectionUri string = storageConnection.properties.secretUri
