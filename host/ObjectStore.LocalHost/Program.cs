using ObjectStore.LocalHost;

var app = LocalHostApp.Build(args);
await app.RunAsync();
