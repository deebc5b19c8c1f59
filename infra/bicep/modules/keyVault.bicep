// Key Vault (RBAC) for the root S3 secret key and the master key that seals users' secret keys. The apps read it through a Key Vault
// reference in their app settings; storage is reached by managed identity, so no account key
// is stored anywhere.

param name string
param location string
param tags object
@secure()
@description('Secret key of the root S3 access key.')
param s3SecretKey string
@secure()
@description('Master key (base64 of 32 bytes) that seals users\' secret access keys.')
param masterKey string

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

resource masterKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'master-key'
  properties: {
    value: masterKey
  }
}

output id string = vault.id
output name string = vault.name
output secretName string = secretKey.name
output secretKeyUri string = secretKey.properties.secretUri
output masterKeySecretName string = masterKeySecret.name
output masterKeyUri string = masterKeySecret.properties.secretUri
