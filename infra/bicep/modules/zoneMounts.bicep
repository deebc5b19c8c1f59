// Mounts each zone's file share into a function app at /mounts/zones/<zone> ({OBJECTSTORE_DATA}/zones/<zone>).

param siteName string
@description('The zones: { zone, accountName, shareName } each.')
param zones array
@secure()
@description('{ values: [ account key of each zone, in the order of zones ] }')
param accessKeys object

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: siteName
}

resource mounts 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'azurestorageaccounts'
  properties: toObject(
    range(0, length(zones)),
    i => zones[i].zone,
    i => {
      type: 'AzureFiles'
      protocol: 'Smb'
      accountName: zones[i].accountName
      shareName: zones[i].shareName
      mountPath: '/mounts/zones/${zones[i].zone}'
      accessKey: accessKeys.values[i]
    }
  )
}
