using Amazon.Runtime;
using KnnCli.Core.Errors;
using KnnCli.Core.Settings;
using KnnCli.Core.State;
using KnnCli.Core.Targets;
using KnnCli.Targets.SageMaker.Aws;
using KnnCli.Targets.SageMaker.Http;
using KnnCli.Targets.SageMaker.Iam;
using KnnCli.Targets.SageMaker.SageMaker;

namespace KnnCli.Targets.SageMaker;

/// <summary>
/// knn doctor on the sagemaker target: credentials (and their source), region, caller identity, bucket, role, SageMaker,
/// the k-NN image and running endpoints, each one line with its fix. Later checks are skipped when what they need failed.
/// </summary>
internal sealed class SageMakerChecks(CommonSettings settings, IWorkflowLog log, SageMakerTargetOptions options) : ITargetChecks
{
    public async Task<IReadOnlyList<CheckResult>> RunAsync(KnnState state, CancellationToken cancellationToken)
    {
        var checks = new List<CheckResult>();
        var region = AwsContext.RegionName(settings, options.Environment);
        // Credentials do not depend on the region: they are checked even when none is set.
        var aws = AwsContext.ForRegion(region ?? "us-east-1", settings, options.Environment);
        var credentials = await CheckCredentialsAsync(aws, cancellationToken).ConfigureAwait(false);
        checks.Add(credentials);
        checks.Add(region is null
            ? CheckResult.Fail("region", "no AWS region is set", AwsContext.RegionAdvice)
            : CheckResult.Pass("region", $"{region}{(settings.Region is null ? " (from the AWS profile)" : "")}"));

        var usable = credentials.Status == CheckStatus.Pass && region is not null;
        var needs = credentials.Status != CheckStatus.Pass ? "not checked: needs credentials" : "not checked: needs a region";
        if (!usable)
        {
            checks.Add(CheckResult.Skip("identity", needs));
            checks.Add(CheckResult.Skip("bucket", needs));
            checks.Add(RoleFormat() ?? CheckResult.Skip("role", $"well formed; whether SageMaker may assume it was {needs}"));
            checks.Add(CheckResult.Skip("sagemaker", needs));
            checks.Add(region is null ? CheckResult.Skip("image", "not checked: needs a region") : Image(region));
            checks.Add(CheckResult.Skip(LiveEndpointCheck.Name, needs));
            return checks;
        }

        await using var target = new SageMakerTargetInstance(aws, settings, log, options);
        var (identity, account) = await CheckIdentityAsync(target, cancellationToken).ConfigureAwait(false);
        checks.Add(identity);
        checks.Add(account is null && settings.Bucket is null && !HasSageMakerBucket(state)
            ? CheckResult.Skip("bucket", "not checked: the default bucket's name needs the caller's account")
            : await CheckBucketAsync(target, state, region!, cancellationToken).ConfigureAwait(false));
        checks.Add(RoleFormat() ?? await CheckTrustAsync(aws, cancellationToken).ConfigureAwait(false));
        var sageMaker = await CheckSageMakerAsync(target, region!, cancellationToken).ConfigureAwait(false);
        checks.Add(sageMaker);
        checks.Add(Image(region!));
        checks.Add(sageMaker.Status == CheckStatus.Pass
            ? await Guard(LiveEndpointCheck.Name, "SageMaker could not list the endpoints", () => LiveEndpointCheck.RunAsync(target, cancellationToken)).ConfigureAwait(false)
            : CheckResult.Skip(LiveEndpointCheck.Name, "not checked: SageMaker did not answer"));
        return checks;
    }

    private static async Task<CheckResult> CheckCredentialsAsync(AwsContext aws, CancellationToken cancellationToken)
    {
        try
        {
            // Resolving is not enough for refreshing sources (SSO, assume-role, IMDS): fetch the keys themselves.
            await aws.Credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass("credentials", $"from {aws.CredentialSource}");
        }
        catch (AwsConfigurationException e)
        {
            // The advice is the fix; the detail keeps what was wrong (none found, a missing profile …).
            return CheckResult.Fail("credentials", e.Message.Replace($": {AwsContext.CredentialsAdvice}", "", StringComparison.Ordinal).TrimEnd('.'), AwsContext.CredentialsAdvice);
        }
        catch (AmazonClientException e)
        {
            return CheckResult.Fail("credentials", $"the {aws.CredentialSource ?? "credential"} source gave none: {OneLine(e.Message)}", AwsContext.CredentialsAdvice);
        }
    }

    private static async Task<(CheckResult Check, string? Account)> CheckIdentityAsync(SageMakerTargetInstance target, CancellationToken cancellationToken)
    {
        try
        {
            var identity = await target.CallerIdentityAsync(cancellationToken).ConfigureAwait(false);
            return (CheckResult.Pass("identity", $"account {identity.Account} as {identity.Arn}"), identity.Account);
        }
        catch (KnnException e)
        {
            return (Failed("identity", "STS GetCallerIdentity", e,
                "check that the access key is active and not expired, or log in again (aws sso login)"), null);
        }
    }

    private static bool HasSageMakerBucket(KnnState state) => state.Target == "sagemaker" && state.Bucket is not null;

    private async Task<CheckResult> CheckBucketAsync(SageMakerTargetInstance target, KnnState state, string region, CancellationToken cancellationToken)
    {
        var configured = settings.Bucket ?? (HasSageMakerBucket(state) ? state.Bucket : null);
        var bucket = configured ?? await target.GetDefaultBucketAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await target.S3.BucketExistsAsync(bucket, cancellationToken).ConfigureAwait(false))
            {
                return configured is null
                    ? CheckResult.Warn("bucket", $"the default bucket s3://{bucket} does not exist yet", "knn upload creates it")
                    : CheckResult.Fail("bucket", $"s3://{bucket} does not exist",
                        $"create it (aws s3 mb s3://{bucket} --region {region}), or drop --bucket / KNN_BUCKET to use sagemaker-{region}-<account>, which knn upload creates");
            }
        }
        catch (KnnException e)
        {
            return Failed("bucket", $"S3 HeadBucket s3://{bucket}", e, "choose a bucket this identity owns with --bucket, or allow it s3:ListBucket");
        }

        // Writable: the probe goes where uploads go, encrypted as they are, and is deleted at once.
        var probe = new StoreUri(bucket, $"{settings.Prefix}/.knn-doctor-{Guid.NewGuid():N}");
        try
        {
            await target.Store.PutStreamAsync(new MemoryStream("knn doctor"u8.ToArray()), probe, "text/plain", cancellationToken).ConfigureAwait(false);
            await target.Store.DeletePrefixAsync(probe, cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass("bucket", $"s3://{bucket} exists and {settings.Prefix}/ is writable");
        }
        catch (KnnException e)
        {
            return Failed("bucket", $"s3://{bucket} exists but writing {settings.Prefix}/ failed", e,
                $"allow s3:PutObject and s3:DeleteObject on arn:aws:s3:::{bucket}/{settings.Prefix}/*{(settings.Production.KmsKeyId is null ? "" : " and kms:GenerateDataKey on the --kms-key-id key")}");
        }
    }

    /// <summary>The role's format, checked without a call: a failed check, or null when well formed.</summary>
    private CheckResult? RoleFormat()
    {
        if (settings.RoleArn is not { } role)
            return CheckResult.Fail("role", "no execution role is set", "pass --role arn:aws:iam::<account>:role/<name>, or set KNN_ROLE or \"role\" in knn.settings.json");
        return ResourceNames.Role.IsValid(role)
            ? null
            : CheckResult.Fail("role", $"'{ErrorText.Excerpt(role)}' is not an IAM role ARN", $"{ResourceNames.Role.Plain}, e.g. arn:aws:iam::123456789012:role/SageMakerExecution");
    }

    private async Task<CheckResult> CheckTrustAsync(AwsContext aws, CancellationToken cancellationToken)
    {
        var role = settings.RoleArn!;
        var (endpoint, signingRegion) = IamClient.Locate(aws);
        using var http = AwsHttp.CreateClient(aws, AwsService.Iam, aws.Retry(options.Retry), options.Timings.ControlPlaneAttemptTimeout, options.Transport, signingRegion);
        try
        {
            var policy = await new IamClient(http, endpoint).GetTrustPolicyAsync(role[(role.LastIndexOf('/') + 1)..], cancellationToken).ConfigureAwait(false);
            return IamClient.TrustsSageMaker(policy)
                ? CheckResult.Pass("role", $"{role} exists and trusts {IamClient.SageMakerPrincipal}")
                : CheckResult.Fail("role", $"{role} does not let {IamClient.SageMakerPrincipal} assume it",
                    $"add to its trust policy: {{\"Effect\":\"Allow\",\"Principal\":{{\"Service\":\"{IamClient.SageMakerPrincipal}\"}},\"Action\":\"sts:AssumeRole\"}}");
        }
        catch (AwsServiceException e) when (e.ErrorCode == "NoSuchEntity")
        {
            return CheckResult.Fail("role", $"{role} does not exist", "create a SageMaker execution role, or pass the right --role");
        }
        catch (ServiceUnreachableException e)
        {
            // Not a permission question: "allow iam:GetRole" would send the user the wrong way.
            return Failed("role", "IAM GetRole", e, "");
        }
        catch (KnnException e)
        {
            // Many identities may not read IAM: then only the format was checked, and the line says so.
            return CheckResult.Warn("role", $"{role} is well formed; whether SageMaker may assume it was not checked: IAM GetRole failed ({OneLine(e.Message)})",
                $"allow iam:GetRole to check it, or look at the role's trust relationships in the IAM console (it must trust {IamClient.SageMakerPrincipal})");
        }
        catch (Exception e) when (e is System.Xml.XmlException or System.Text.Json.JsonException)
        {
            return CheckResult.Warn("role", $"{role} is well formed; its trust policy could not be read ({OneLine(e.Message)})",
                $"look at the role's trust relationships in the IAM console (it must trust {IamClient.SageMakerPrincipal})");
        }
    }

    private static Task<CheckResult> CheckSageMakerAsync(SageMakerTargetInstance target, string region, CancellationToken cancellationToken) =>
        Guard("sagemaker", "SageMaker ListTrainingJobs", async () =>
        {
            await target.SageMaker.ListTrainingJobsAsync(new ListTrainingJobsRequest { MaxResults = 1 }, cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass("sagemaker", $"SageMaker answers in {region} (ListTrainingJobs)");
        });

    private static CheckResult Image(string region)
    {
        try
        {
            return CheckResult.Pass("image", KnnImageUris.For(region));
        }
        catch (AwsConfigurationException)
        {
            return CheckResult.Fail("image", $"SageMaker's built-in k-NN is not offered in {region}",
                $"choose a region that offers it: {string.Join(", ", KnnImageUris.Accounts.Keys.Order(StringComparer.Ordinal))}");
        }
    }

    private static async Task<CheckResult> Guard(string name, string what, Func<Task<CheckResult>> check)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (KnnException e)
        {
            return Failed(name, what, e, "allow this identity sagemaker:List* in the region, or check --region");
        }
    }

    /// <summary>A failed call as a check: unreachable means the network or the endpoint; a refusal, the given fix.</summary>
    private static CheckResult Failed(string name, string what, KnnException e, string fix) => e is ServiceUnreachableException
        ? CheckResult.Fail(name, $"{what}: the service could not be reached", AwsClientFailures.UnreachableAdvice)
        : CheckResult.Fail(name, $"{what} failed: {OneLine(e.Message)}", fix);

    /// <summary>A service's message on one line, at most 300 characters.</summary>
    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return line.Length <= 300 ? line : $"{line[..300]}…";
    }
}
