using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using StatefulSpot.Grains;
using StatefulSpot.Grains.Ec2;
using StatefulSpot.Grains.Events;

namespace StatefulSpot.Unit.Tests.Deployment;

/// <summary>
/// deploy/iam-policy.json grants exactly the AWS actions the code calls (so it cannot silently fall behind a new
/// call, nor grant more than is used), and deploy/cloudformation-events.yaml routes every detail-type the parser reads.
/// </summary>
public sealed partial class DeployFilesTests
{
    /// <summary>Actions the policy grants although no SDK call of ours is named after them, and why.</summary>
    private static readonly Dictionary<string, string> GrantedWithoutADirectCall = new()
    {
        ["ec2:CreateTags"] = "tagging at creation (TagSpecifications) is authorized as CreateTags with ec2:CreateAction",
        ["iam:PassRole"] = "RunInstances with the spec's iamInstanceProfile passes its role to EC2",
    };

    /// <summary>SDK calls of the SQS provider that the silo's configuration never reaches, and why.</summary>
    private static readonly Dictionary<string, string> SqsCallsNotMadeBySilos = new()
    {
        ["sqs:GetQueueUrl"] = "only with SqsStreamOptions.QueueName; AddStatefulSpot sets QueueUrl",
        ["sqs:CreateQueue"] = "only with QueueName and CreateQueueIfMissing; the queue comes from the CloudFormation template",
    };

    /// <summary>SDK operations whose IAM action has another name.</summary>
    private static readonly Dictionary<string, string> IamActionOfSdkCall = new()
    {
        ["sqs:DeleteMessageBatch"] = "sqs:DeleteMessage",
        ["sqs:ChangeMessageVisibilityBatch"] = "sqs:ChangeMessageVisibility",
        ["sqs:SendMessageBatch"] = "sqs:SendMessage",
    };

    private static readonly string[] Destructive =
        ["ec2:TerminateInstances", "ec2:DeleteVolume", "ec2:DeleteNetworkInterface", "ec2:DeleteSnapshot", "ec2:DeregisterImage",
         "ec2:AttachVolume", "ec2:DetachVolume", "ec2:StopInstances", "ec2:ModifyInstanceAttribute", "ec2:AssociateAddress",
         "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"];

    [Fact]
    public void IamPolicy_GrantsEveryEc2AndSqsActionTheCodeCalls_AndNothingElse()
    {
        var granted = Statements().SelectMany(s => s.Actions).ToHashSet();
        var called = Ec2Actions().Concat(SqsActions()).ToHashSet();

        Assert.Empty(called.Except(granted).Order());
        Assert.Empty(granted.Except(called).Except(GrantedWithoutADirectCall.Keys).Order());
        Assert.Contains("ec2:RunInstances", called);
        Assert.Contains("sqs:DeleteMessage", called);
    }

    [Fact]
    public void IamPolicy_DestructiveActions_OnlyOnResourcesTaggedAsManaged()
    {
        var resourceTag = $"ec2:ResourceTag/{TagKeys.ManagedInstance}";
        foreach (var statement in Statements().Where(s => s.Actions.Intersect(Destructive).Any()))
        {
            var destructive = statement.Actions.Intersect(Destructive).ToList();

            // AssociateAddress also names the user's Elastic IP, which StatefulSpot did not create or tag.
            if (destructive is ["ec2:AssociateAddress"] && statement.Resources is ["arn:aws:ec2:*:*:elastic-ip/*"])
            {
                continue;
            }

            // An import images and terminates an instance StatefulSpot does not own yet: only one the operator tagged for import.
            if (destructive is ["ec2:TerminateInstances"] && statement.ConditionKeys.Contains($"ec2:ResourceTag/{TagKeys.Import}")
                && statement.Resources is ["arn:aws:ec2:*:*:instance/*"])
            {
                continue;
            }

            Assert.True(statement.ConditionKeys.Contains(resourceTag), $"statement {statement.Sid} grants {string.Join(", ", destructive)} without {resourceTag}");
        }
    }

    [Theory]
    [InlineData("ec2:RunInstances", "arn:aws:ec2:*:*:instance/*")]
    [InlineData("ec2:RunInstances", "arn:aws:ec2:*:*:volume/*")]
    [InlineData("ec2:CreateVolume", "arn:aws:ec2:*:*:volume/*")]
    [InlineData("ec2:CreateNetworkInterface", "arn:aws:ec2:*:*:network-interface/*")]
    [InlineData("ec2:CreateSnapshot", "arn:aws:ec2:*::snapshot/*")]
    public void IamPolicy_CreatesOnlyResourcesThatCarryTheManagedInstanceTag(string action, string resource)
    {
        var grants = Statements().Where(s => s.Actions.Contains(action) && s.Resources.Contains(resource)).ToList();
        Assert.NotEmpty(grants);
        Assert.All(grants, s => Assert.Contains($"aws:RequestTag/{TagKeys.ManagedInstance}", s.ConditionKeys));
    }

    [Fact]
    public void EventRules_RouteEveryDetailTypeTheParserReads()
    {
        var template = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "cloudformation-events.yaml"));
        var detailTypes = typeof(EventBridgeParser).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.Equal(5, detailTypes.Count);
        Assert.All(detailTypes, type => Assert.Contains($"detail-type: [{type}]", template));
    }

    /// <summary>Every method of <see cref="IEc2Api"/> is one EC2 action.</summary>
    private static IEnumerable<string> Ec2Actions() =>
        typeof(IEc2Api).GetMethods().Select(m => "ec2:" + InstrumentedEc2Api.ActionOf(m.GetParameters()[0].ParameterType));

    /// <summary>The SQS calls in the stream provider's source (it holds its client in a field named <c>_sqs</c>).</summary>
    private static IEnumerable<string> SqsActions() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "Streaming.Sqs"), "*.cs")
            .SelectMany(file => SqsCall().Matches(File.ReadAllText(file)))
            .Select(match => "sqs:" + match.Groups[1].Value)
            .Select(call => IamActionOfSdkCall.GetValueOrDefault(call, call))
            .Where(action => !SqsCallsNotMadeBySilos.ContainsKey(action))
            .Distinct();

    private static List<Statement> Statements()
    {
        using var policy = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "iam-policy.json")));
        return [.. policy.RootElement.GetProperty("Statement").EnumerateArray().Select(s =>
        {
            Assert.Equal("Allow", s.GetProperty("Effect").GetString());
            return new Statement(
                s.GetProperty("Sid").GetString()!,
                Strings(s.GetProperty("Action")),
                Strings(s.GetProperty("Resource")),
                s.TryGetProperty("Condition", out var condition)
                    ? [.. condition.EnumerateObject().SelectMany(op => op.Value.EnumerateObject().Select(key => key.Name))]
                    : []);
        })];
    }

    private static string[] Strings(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? [.. element.EnumerateArray().Select(e => e.GetString()!)]
        : [element.GetString()!];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Orleans.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\b_sqs\.(\w+)Async\(")]
    private static partial Regex SqsCall();

    private sealed record Statement(string Sid, string[] Actions, string[] Resources, string[] ConditionKeys);
}
