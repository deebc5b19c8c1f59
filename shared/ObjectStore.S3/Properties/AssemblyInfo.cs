using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ObjectStore.S3.Tests")]
