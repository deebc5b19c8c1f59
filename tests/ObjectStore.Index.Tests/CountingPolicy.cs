using Azure.Core;
using Azure.Core.Pipeline;

namespace ObjectStore.Index.Tests;

/// <summary>A pipeline policy that looks at each Table request once its answer is in: the request counters of the cost tests.</summary>
internal abstract class CountingPolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Count(message);
    }

    protected abstract void Count(HttpMessage message);
}
