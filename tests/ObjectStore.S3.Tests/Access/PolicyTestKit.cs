using ObjectStore.Objects.Identity;
using ObjectStore.S3.Access.Policies;

namespace ObjectStore.S3.Tests.Access;

internal static class PolicyTestKit
{
    public const string Account = "000000000000";
    public static readonly PolicyPrincipal Alice = new(PrincipalKind.User, Account, "alice", "OSUALICE");
    public static readonly PolicyPrincipal Bob = new(PrincipalKind.User, Account, "bob", "OSUBOB");
    public static readonly PolicyPrincipal Anonymous = new(PrincipalKind.Anonymous, Account);
    public static readonly PolicyPrincipal Root = new(PrincipalKind.Root, Account);

    public static PolicyDocument Identity(string json) =>
        PolicyParser.TryParse(json, PolicyKind.Identity, null, out var d, out var e) ? d! : throw new InvalidOperationException(e);

    public static PolicyDocument Bucket(string json, string bucket = "data") =>
        PolicyParser.TryParse(json, PolicyKind.Bucket, bucket, out var d, out var e) ? d! : throw new InvalidOperationException(e);

    /// <summary>A document with one statement (JSON fragment without braces).</summary>
    public static PolicyDocument Statement(string body) => Identity("""{"Version":"2012-10-17","Statement":{""" + body + "}}");

    public static PolicyRequest Request(string action, string resource, PolicyPrincipal? principal = null, IReadOnlyDictionary<string, string>? values = null) =>
        new(action, resource, principal ?? Alice, key =>
        {
            if (values is not null && values.TryGetValue(key, out var v)) return [v];
            return key switch
            {
                "aws:username" => (principal ?? Alice).UserName is { } n ? [n] : null,
                "aws:userid" => (principal ?? Alice).UserId is { } id ? [id] : null,
                _ => null,
            };
        });

    public static PolicyDecision Decide(PolicyDocument document, string action, string resource, IReadOnlyDictionary<string, string>? values = null, PolicyPrincipal? principal = null) =>
        PolicyEvaluator.Evaluate(document, Request(action, resource, principal, values));
}
