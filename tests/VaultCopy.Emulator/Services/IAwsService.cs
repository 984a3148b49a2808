using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services;

/// <summary>
/// A service plug-in. The pipeline has already verified the signature, resolved the <see cref="AwsRequest.Caller"/>,
/// checked the API version and parsed the parameters; the plug-in authorizes (<c>request.Authorize(…)</c>),
/// acts on <see cref="AwsRequest.World"/> under <c>World.Sync</c>, and returns a response built with
/// <see cref="AwsResponse"/>, or throws <see cref="AwsServiceException"/>. Unknown operations:
/// <c>throw request.UnknownAction();</c>. Register it in <see cref="ServiceRegistry"/>.
/// </summary>
public interface IAwsService
{
    /// <summary>The SigV4 signing name this plug-in serves (sts, iam, kms, ec2, rds, ssm).</summary>
    string SigningName { get; }

    AwsProtocol Protocol { get; }

    /// <summary>
    /// The operations this plug-in implements (model names, e.g. <c>AssumeRole</c>). The model-conformance test
    /// walks them; the default keeps plug-ins that predate it compiling, and they are simply not checked yet.
    /// </summary>
    IReadOnlyCollection<string> Operations => [];

    Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken);
}
