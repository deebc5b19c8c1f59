// Example parameters: `az deployment group create -g <group> -f main.bicep -p main.bicepparam`
// with OBJECTSTORE_SECRET_KEY set in the environment (at least 16 characters).
using 'main.bicep'

param environmentName = 'dev'
param zoneCount = 3
param erasureProfile = '4+2'
// One region for all zones here; list three regions to put each zone in its own.
param zoneLocations = []
param shardAccountSku = 'Standard_LRS'
param blobContainerPrefix = 'objectstore-'
param blobAccessTiers = 'STANDARD_IA=Cool,GLACIER_IR=Cold'
param s3AccessKey = 'objectstore'
param s3SecretKey = readEnvironmentVariable('OBJECTSTORE_SECRET_KEY')
param s3Region = 'us-east-1'
param tablePrefix = 'objectstore'
param lifecycleSchedule = '0 0 * * * *'
param repairSchedule = '0 */15 * * * *'
param tags = {
  project: 'objectstore'
}
