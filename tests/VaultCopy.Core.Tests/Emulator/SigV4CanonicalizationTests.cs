using System.Text;
using VaultCopy.Emulator.Auth;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// The emulator's SigV4, checked against values published by AWS: the Signature Version 4 test suite
/// (aws-sig-v4-test-suite, 2015-08-30, AKIDEXAMPLE, us-east-1, service "service"), the IAM ListUsers example of
/// the "Signature Version 4 signing process" documentation, and the S3 query-string authentication example.
/// </summary>
public class SigV4CanonicalizationTests
{
    private const string SuiteKey = "AKIDEXAMPLE";
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteDate = "20150830T123600Z";

    [Fact]
    public void Signing_key_matches_the_documented_derivation()
    {
        byte[] key = SigV4.SigningKey(SuiteSecret, "20150830", "us-east-1", "iam");
        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void Iam_ListUsers_example_canonical_request_string_to_sign_and_signature()
    {
        var request = Signable("GET", "/", "Action=ListUsers&Version=2010-05-08",
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", SuiteDate));
        var auth = HeaderAuth("iam", "content-type;host;x-amz-date", "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

        string canonical = SigV4Auth.BuildCanonicalRequest(request, auth, SigV4.EmptyPayloadHash);

        Assert.Equal(
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n" +
            "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n" +
            "content-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
        Assert.Equal("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", SigV4.HexSha256(canonical));
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
            SigV4.StringToSign(SuiteDate, auth.Scope, canonical));
        Assert.True(SigV4Auth.Verify(request, auth, SuiteSecret, out _));
    }

    [Fact]
    public void Test_suite_get_vanilla()
    {
        var request = Signable("GET", "/", "", ("Host", "example.amazonaws.com"), ("X-Amz-Date", SuiteDate));
        var auth = HeaderAuth("service", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        string canonical = SigV4Auth.BuildCanonicalRequest(request, auth, SigV4.EmptyPayloadHash);

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4.EmptyPayloadHash, canonical);
        Assert.Equal("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", SigV4.HexSha256(canonical));
        Assert.True(SigV4Auth.Verify(request, auth, SuiteSecret, out _));
        Assert.False(SigV4Auth.Verify(request, auth, SuiteSecret.Replace('w', 'W'), out _));
    }

    [Theory]
    // get-vanilla-query-order-key-case: parameters are sorted by name.
    [InlineData("GET", "/", "Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    // get-vanilla-query-unreserved: unreserved characters stay unencoded.
    [InlineData("GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")]
    // post-vanilla.
    [InlineData("POST", "/", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    // get-space-normalized: a space in the path is signed encoded.
    [InlineData("GET", "/example space/", "", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741")]
    public void Test_suite_vectors(string method, string path, string query, string signature)
    {
        var request = Signable(method, path, query, ("Host", "example.amazonaws.com"), ("X-Amz-Date", SuiteDate));
        Assert.True(SigV4Auth.Verify(request, HeaderAuth("service", "host;x-amz-date", signature), SuiteSecret, out string canonical), canonical);
    }

    [Fact]
    public void Test_suite_get_header_value_trim_collapses_spaces()
    {
        var request = Signable("GET", "/", "",
            ("Host", "example.amazonaws.com"),
            ("My-Header1", " value1"),
            ("My-Header2", " \"a   b   c\""),
            ("X-Amz-Date", SuiteDate));
        var auth = HeaderAuth("service", "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");

        Assert.True(SigV4Auth.Verify(request, auth, SuiteSecret, out string canonical), canonical);
        Assert.Contains("my-header2:\"a b c\"\n", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void S3_query_string_authentication_example_with_unsigned_payload()
    {
        // Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)".
        var request = Signable("GET", "/test.txt",
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            ("Host", "examplebucket.s3.amazonaws.com"));
        var auth = SigV4Auth.Parse(request, out var failure, out var message);
        Assert.True(auth is not null, $"{failure}: {message}");
        Assert.True(auth.Presigned);
        Assert.Equal(86400, auth.ExpiresSeconds);

        string canonical = SigV4Auth.BuildCanonicalRequest(request, auth, SigV4.UnsignedPayload);
        Assert.Equal("3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04", SigV4.HexSha256(canonical));
        Assert.True(SigV4Auth.Verify(request, auth, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", out _));
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData("//example//", "/example/")]
    [InlineData("/example/..", "/")]
    [InlineData("/example1/example2/../..", "/")]
    [InlineData("/./", "/")]
    [InlineData("/./example", "/example")]
    [InlineData("/example space/", "/example%20space/")]
    [InlineData("/example%20space/", "/example%2520space/")]
    [InlineData("/\u1234", "/%E1%88%B4")]
    public void Canonical_uri_normalises_and_encodes_the_wire_path(string path, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalUri(path));

    [Fact]
    public void Query_plus_is_a_space_and_bare_names_are_empty_values()
    {
        var pairs = SigV4.ParseQuery("q=a+b&flag&x=%2B&Param1=value1");
        Assert.Equal("Param1=value1&flag=&q=a%20b&x=%2B", SigV4.CanonicalQueryString(pairs));
    }

    [Fact]
    public void Repeated_header_values_are_joined_with_commas()
    {
        Assert.Equal("value1,value2", SigV4.CanonicalHeaderValue([" value1 ", "value2"]));
    }

    private static SignableRequest Signable(string method, string path, string query, params (string Name, string Value)[] headers) => new()
    {
        Method = method,
        RawPath = path,
        RawQuery = query,
        Headers = SignableRequest.HeaderMap(headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))),
        Body = Encoding.UTF8.GetBytes(string.Empty),
    };

    private static ParsedAuth HeaderAuth(string service, string signedHeaders, string signature) => new()
    {
        Presigned = false,
        AccessKeyId = SuiteKey,
        ScopeDate = "20150830",
        Region = "us-east-1",
        Service = service,
        Terminator = "aws4_request",
        SignedHeaders = signedHeaders.Split(';'),
        Signature = signature,
        AmzDate = SuiteDate,
        SignedAt = new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero),
    };
}
