using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ObjectStore.IntegrationTests")]
