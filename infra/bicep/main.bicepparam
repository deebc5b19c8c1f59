// Example parameters: `az deployment group create -g <group> -f main.bicep -p main.bicepparam`
// with OBJECTSTORE_SECRET_KEY set in the environment (at least 16 characters) and
// OBJECTSTORE_MASTER_KEY (base64 of 32 random bytes: openssl rand -base64 32).
using 'main.bicep'

param environmentName = 'dev'
param zoneCount = 3
param erasureProfile = '4+2'
// Other classes over the defaults, e.g. 'STANDARD_IA=8+4,GLACIER=10+5'.
param storageClassProfiles = ''
// One region for all zones here; list three regions to put each zone in its own.
param zoneLocations = []
param shardAccountSku = 'Standard_LRS'
param blobContainerPrefix = 'objectstore-'
param blobAccessTiers = 'STANDARD_IA=Cool,GLACIER_IR=Cold'
param s3AccessKey = 'objectstore'
param s3SecretKey = readEnvironmentVariable('OBJECTSTORE_SECRET_KEY')
param masterKey = readEnvironmentVariable('OBJECTSTORE_MASTER_KEY')
// During a master key rotation only: the retired key(s), comma-separated (docs/encryption.md).
param previousMasterKeys = readEnvironmentVariable('OBJECTSTORE_MASTER_KEY_PREVIOUS', '')
param accountId = '000000000000'
param publicAccessBlock = 'new-buckets'
param defaultEncryption = 'off'
param s3Region = 'us-east-1'
param tablePrefix = 'objectstore'
param lifecycleSchedule = '0 0 * * * *'
param repairSchedule = '0 */15 * * * *'
param tags = {
  project: 'objectstore'
}
