namespace ObjectStore.Objects.Errors;

/// <summary>The S3 error table (code → HTTP status → message) and helpers that build the exceptions.</summary>
public static class S3Errors
{
    public static readonly S3ErrorCode AccessDenied = new("AccessDenied", 403, "Access Denied");
    public static readonly S3ErrorCode InvalidAccessKeyId = new("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
    public static readonly S3ErrorCode SignatureDoesNotMatch = new("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    public static readonly S3ErrorCode RequestTimeTooSkewed = new("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.");
    public static readonly S3ErrorCode ExpiredToken = new("AccessDenied", 403, "Request has expired");
    public static readonly S3ErrorCode AuthorizationHeaderMalformed = new("AuthorizationHeaderMalformed", 400, "The authorization header is malformed.");
    public static readonly S3ErrorCode AuthorizationQueryParametersError = new("AuthorizationQueryParametersError", 400, "Error parsing the X-Amz-Credential parameter.");
    public static readonly S3ErrorCode XAmzContentSHA256Mismatch = new("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");
    public static readonly S3ErrorCode InvalidDigest = new("InvalidDigest", 400, "The Content-MD5 you specified was invalid.");
    public static readonly S3ErrorCode BadDigest = new("BadDigest", 400, "The Content-MD5 you specified did not match what we received.");
    public static readonly S3ErrorCode InvalidChecksum = new("BadDigest", 400, "The checksum you specified did not match what we received.");
    public static readonly S3ErrorCode IncompleteBody = new("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.");
    public static readonly S3ErrorCode RequestTimeout = new("RequestTimeout", 400, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.");
    // Refusals of the HTTP server itself (ServerRefusals): the status is the server's.
    public static readonly S3ErrorCode BadRequest = new("BadRequest", 400, "The request could not be parsed: its request line, a header or its Content-Length is malformed.");
    public static readonly S3ErrorCode RequestHeadersTimeout = new("RequestTimeout", 408, "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.");
    public static readonly S3ErrorCode UriTooLong = new("InvalidURI", 414, "The request URI is longer than the server accepts.");
    public static readonly S3ErrorCode RequestHeaderSectionTooLarge = new("RequestHeaderSectionTooLarge", 431, "Your request header section exceeds the maximum allowed size.");
    public static readonly S3ErrorCode MalformedTrailerError = new("MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema.");
    public static readonly S3ErrorCode InvalidRequest = new("InvalidRequest", 400, "Invalid Request");
    public static readonly S3ErrorCode InvalidArgument = new("InvalidArgument", 400, "Invalid Argument");
    public static readonly S3ErrorCode MissingContentLength = new("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");
    public static readonly S3ErrorCode IllegalVersioningConfiguration = new("IllegalVersioningConfigurationException", 400, "The versioning configuration specified in the request is invalid.");
    public static readonly S3ErrorCode MalformedXML = new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema.");
    public static readonly S3ErrorCode InvalidBucketName = new("InvalidBucketName", 400, "The specified bucket is not valid.");
    public static readonly S3ErrorCode NoSuchBucket = new("NoSuchBucket", 404, "The specified bucket does not exist.");
    public static readonly S3ErrorCode NoSuchKey = new("NoSuchKey", 404, "The specified key does not exist.");
    public static readonly S3ErrorCode NoSuchTagSet = new("NoSuchTagSet", 404, "The TagSet does not exist.");
    public static readonly S3ErrorCode BucketAlreadyExists = new("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.");
    public static readonly S3ErrorCode BucketAlreadyOwnedByYou = new("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.");
    public static readonly S3ErrorCode BucketNotEmpty = new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty.");
    public static readonly S3ErrorCode InvalidRange = new("InvalidRange", 416, "The requested range is not satisfiable.");
    public static readonly S3ErrorCode PreconditionFailed = new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold.");
    public static readonly S3ErrorCode EntityTooLarge = new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.");
    public static readonly S3ErrorCode KeyTooLongError = new("KeyTooLongError", 400, "Your key is too long.");
    public static readonly S3ErrorCode MetadataTooLarge = new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.");
    public static readonly S3ErrorCode InvalidTag = new("InvalidTag", 400, "The tag provided was not a valid tag.");
    public static readonly S3ErrorCode InvalidStorageClass = new("InvalidStorageClass", 400, "The storage class you specified is not valid.");
    public static readonly S3ErrorCode MethodNotAllowed = new("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");
    public static readonly S3ErrorCode NotImplemented = new("NotImplemented", 501, "A header you provided implies functionality that is not implemented.");
    public static readonly S3ErrorCode InvalidURI = new("InvalidURI", 400, "Couldn't parse the specified URI.");
    public static readonly S3ErrorCode ServiceUnavailable = new("ServiceUnavailable", 503, "Please reduce your request rate.");
    /// <summary>The index's storage throttled past the call's retry budget (<see cref="Index.IndexBusyException"/>); sent with Retry-After. Every SDK retries it.</summary>
    public static readonly S3ErrorCode SlowDown = new("SlowDown", 503, "Please reduce your request rate.");
    /// <summary>Not an AWS code (S3 has none for a full disk; MinIO answers 507 XMinioStorageFull): 507, which SDKs do not retry.</summary>
    public static readonly S3ErrorCode InsufficientStorage = new("InsufficientStorage", 507, "The local storage is full: free space on the data directory's filesystem is below the reserve this server keeps. Reads and deletes are still served; free space, then retry.");
    public static readonly S3ErrorCode NoSuchVersion = new("NoSuchVersion", 404, "The specified version does not exist.");
    public static readonly S3ErrorCode IllegalLocationConstraintException = new("IllegalLocationConstraintException", 400, "The location constraint is incompatible for the region specific endpoint this request was sent to.");
    public static readonly S3ErrorCode InvalidLocationConstraint = new("InvalidLocationConstraint", 400, "The specified location-constraint is not valid.");
    public static readonly S3ErrorCode NoSuchUpload = new("NoSuchUpload", 404, "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.");
    public static readonly S3ErrorCode InvalidPart = new("InvalidPart", 400, "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.");
    public static readonly S3ErrorCode InvalidPartOrder = new("InvalidPartOrder", 400, "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
    public static readonly S3ErrorCode EntityTooSmall = new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");
    public static readonly S3ErrorCode InvalidPartNumber = new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable");
    public static readonly S3ErrorCode OperationAborted = new("OperationAborted", 409, "A conflicting conditional operation is currently in progress against this resource. Try again.");
    public static readonly S3ErrorCode NoSuchAdminOperation = new("NoSuchAdminOperation", 404, "The specified admin operation does not exist.");
    public static readonly S3ErrorCode InvalidObjectState = new("InvalidObjectState", 403, "The operation is not valid for the object's storage class");
    public static readonly S3ErrorCode RestoreAlreadyInProgress = new("RestoreAlreadyInProgress", 409, "Object restore is already in progress");
    public static readonly S3ErrorCode NoSuchLifecycleConfiguration = new("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist");
    public static readonly S3ErrorCode MalformedPolicy = new("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'");
    public static readonly S3ErrorCode NoSuchBucketPolicy = new("NoSuchBucketPolicy", 404, "The bucket policy does not exist");
    // Access control lists and object ownership.
    public static readonly S3ErrorCode MalformedACLError = new("MalformedACLError", 400, "The XML you provided was not well-formed or did not validate against our published schema");
    public static readonly S3ErrorCode UnresolvableGrantByEmailAddress = new("UnresolvableGrantByEmailAddress", 400, "The e-mail address you provided does not match any account on record.");
    public static readonly S3ErrorCode UnexpectedContent = new("UnexpectedContent", 400, "This request does not support content");
    public static readonly S3ErrorCode AccessControlListNotSupported = new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs");
    public static readonly S3ErrorCode InvalidBucketAclWithObjectOwnership = new("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
    public static readonly S3ErrorCode OwnershipControlsNotFound = new("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found");
    public static readonly S3ErrorCode NoSuchPublicAccessBlockConfiguration = new("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found");
    public static readonly S3ErrorCode NoSuchEntity = new("NoSuchEntity", 404, "The request was rejected because it referenced an entity that does not exist.");
    public static readonly S3ErrorCode EntityAlreadyExists = new("EntityAlreadyExists", 409, "The request was rejected because it attempted to create a resource that already exists.");
    public static readonly S3ErrorCode MalformedPolicyDocument = new("MalformedPolicyDocument", 400, "The policy document is malformed.");
    public static readonly S3ErrorCode LimitExceeded = new("LimitExceeded", 409, "The request was rejected because it attempted to create resources beyond the current limits.");
    public static readonly S3ErrorCode MalformedPOSTRequest = new("MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data.");
    public static readonly S3ErrorCode MaxPostPreDataLengthExceeded = new("MaxPostPreDataLengthExceededError", 400, "Your POST request fields preceding the upload file were too large.");
    public static readonly S3ErrorCode InvalidPolicyDocument = new("InvalidPolicyDocument", 400, "The content of the form does not meet the conditions specified in the policy document.");
    public static readonly S3ErrorCode NoSuchCORSConfiguration = new("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist");
    public static readonly S3ErrorCode CorsForbidden = new("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.");
    public static readonly S3ErrorCode CorsBadRequest = new("BadRequest", 400, "Insufficient information. Origin request header needed.");
    public static readonly S3ErrorCode InvalidEncryptionAlgorithmError = new("InvalidEncryptionAlgorithmError", 400, "The encryption request you specified is not valid. The valid value is AES256.");
    public static readonly S3ErrorCode ServerSideEncryptionConfigurationNotFoundError = new("ServerSideEncryptionConfigurationNotFoundError", 404, "The server side encryption configuration was not found");
    // Object Lock (docs/object-lock.md).
    public static readonly S3ErrorCode InvalidBucketState = new("InvalidBucketState", 409, "The request is not valid with the current state of the bucket.");
    public static readonly S3ErrorCode ObjectLockConfigurationNotFoundError = new("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket");
    public static readonly S3ErrorCode NoSuchObjectLockConfiguration = new("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");
    public static readonly S3ErrorCode ObjectLocked = new("AccessDenied", 403, "Access Denied because object protected by object lock.");
    // Bucket configurations this store does not keep: what S3 answers for a bucket without one (docs/compatibility.md).
    /// <summary>An analytics, metrics, inventory or Intelligent-Tiering configuration named by an id the bucket has none of.</summary>
    public static readonly S3ErrorCode NoSuchConfiguration = new("NoSuchConfiguration", 404, "The specified configuration does not exist.");
    public static readonly S3ErrorCode NoSuchWebsiteConfiguration = new("NoSuchWebsiteConfiguration", 404, "The specified bucket does not have a website configuration");
    public static readonly S3ErrorCode ReplicationConfigurationNotFoundError = new("ReplicationConfigurationNotFoundError", 404, "The replication configuration was not found");
    public static readonly S3ErrorCode InternalError = new("InternalError", 500, "We encountered an internal error. Please try again.");

    public static S3Exception Error(S3ErrorCode code, string? message = null, string? resource = null) => new(code, message, resource);

    public static S3Exception NoSuchBucketError(string bucket) =>
        new(NoSuchBucket, resource: "/" + bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };

    public static S3Exception NoSuchUploadError(string bucket, string key, string uploadId) =>
        new(NoSuchUpload, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["UploadId"] = uploadId } };

    public static S3Exception NoSuchKeyError(string bucket, string key) =>
        new(NoSuchKey, resource: $"/{bucket}/{key}") { Details = new Dictionary<string, string> { ["Key"] = key } };
}
