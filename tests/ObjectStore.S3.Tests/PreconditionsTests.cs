using ObjectStore.Objects;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

public sealed class PreconditionsTests
{
    private const string ETag = "\"abc\"";
    private static readonly DateTimeOffset Modified = new(2024, 5, 1, 12, 0, 0, 500, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Modified.AddDays(10);
    private static readonly DateTimeOffset Before = Modified.AddHours(-1);
    private static readonly DateTimeOffset After = Modified.AddHours(1);

    private static PreconditionOutcome Eval(string? ifMatch = null, string? ifNoneMatch = null, DateTimeOffset? ims = null, DateTimeOffset? ius = null) =>
        new Preconditions(ETags.ParseList(ifMatch), ETags.ParseList(ifNoneMatch), ims, ius).Evaluate(ETag, Modified, Now);

    [Fact]
    public void No_conditions_proceed() => Assert.Equal(PreconditionOutcome.Proceed, Eval());

    [Theory]
    [InlineData("\"abc\"", PreconditionOutcome.Proceed)]
    [InlineData("abc", PreconditionOutcome.Proceed)]
    [InlineData("\"x\", \"abc\"", PreconditionOutcome.Proceed)]
    [InlineData("*", PreconditionOutcome.Proceed)]
    [InlineData("\"other\"", PreconditionOutcome.PreconditionFailed)]
    public void If_match_compares_entity_tags(string header, PreconditionOutcome expected) =>
        Assert.Equal(expected, Eval(ifMatch: header));

    [Theory]
    [InlineData("\"abc\"", PreconditionOutcome.NotModified)]
    [InlineData("W/\"abc\"", PreconditionOutcome.NotModified)]
    [InlineData("*", PreconditionOutcome.NotModified)]
    [InlineData("\"other\"", PreconditionOutcome.Proceed)]
    public void If_none_match_gives_not_modified_on_a_match(string header, PreconditionOutcome expected) =>
        Assert.Equal(expected, Eval(ifNoneMatch: header));

    [Fact]
    public void If_modified_since_after_the_change_is_not_modified() =>
        Assert.Equal(PreconditionOutcome.NotModified, Eval(ims: After));

    [Fact]
    public void If_modified_since_compares_at_second_precision() =>
        Assert.Equal(PreconditionOutcome.NotModified, Eval(ims: new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void If_modified_since_before_the_change_proceeds() =>
        Assert.Equal(PreconditionOutcome.Proceed, Eval(ims: Before));

    [Fact]
    public void If_modified_since_in_the_future_is_ignored() =>
        Assert.Equal(PreconditionOutcome.Proceed, Eval(ims: Now.AddDays(1)));

    [Fact]
    public void If_unmodified_since_before_the_change_fails() =>
        Assert.Equal(PreconditionOutcome.PreconditionFailed, Eval(ius: Before));

    [Fact]
    public void Passing_if_match_overrides_failing_if_unmodified_since() =>
        Assert.Equal(PreconditionOutcome.Proceed, Eval(ifMatch: ETag, ius: Before));

    [Fact]
    public void Failing_if_none_match_wins_over_passing_if_modified_since() =>
        Assert.Equal(PreconditionOutcome.NotModified, Eval(ifNoneMatch: ETag, ims: Before));

    [Fact]
    public void Non_matching_if_none_match_ignores_if_modified_since() =>
        Assert.Equal(PreconditionOutcome.Proceed, Eval(ifNoneMatch: "\"other\"", ims: After));

    [Fact]
    public void If_match_failure_is_checked_before_if_none_match() =>
        Assert.Equal(PreconditionOutcome.PreconditionFailed, Eval(ifMatch: "\"other\"", ifNoneMatch: ETag));

    [Fact]
    public void Copy_source_not_modified_becomes_precondition_failed()
    {
        var conditions = new Preconditions(null, ETags.ParseList(ETag), null, null);
        Assert.Equal(PreconditionOutcome.PreconditionFailed, conditions.EvaluateForCopySource(ETag, Modified, Now));
    }
}
