package s3

import (
	"io"
	"time"
)

// StorageClass is an S3 storage class.
type StorageClass string

// The storage classes this package models.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html
const (
	StorageClassStandard           StorageClass = "STANDARD"
	StorageClassStandardIA         StorageClass = "STANDARD_IA"
	StorageClassOnezoneIA          StorageClass = "ONEZONE_IA"
	StorageClassIntelligentTiering StorageClass = "INTELLIGENT_TIERING"
	StorageClassGlacierIR          StorageClass = "GLACIER_IR"
)

// BucketVersioningStatus is a bucket's versioning state.
type BucketVersioningStatus string

// Versioning states; a bucket that never had versioning has "".
const (
	BucketVersioningStatusEnabled   BucketVersioningStatus = "Enabled"
	BucketVersioningStatusSuspended BucketVersioningStatus = "Suspended"
)

// EncodingType asks list operations to URL-encode keys in the response.
type EncodingType string

// EncodingTypeURL is the only encoding S3 knows.
const EncodingTypeURL EncodingType = "url"

// RequestPayer confirms that the requester pays for a Requester Pays
// bucket's requests.
type RequestPayer string

// RequestPayerRequester is the only value.
const RequestPayerRequester RequestPayer = "requester"

// Helpers for optional fields, like aws-sdk-go-v2's aws.Int64 and friends.

// Int64 returns a pointer to v.
func Int64(v int64) *int64 { return &v }

// Int32 returns a pointer to v.
func Int32(v int32) *int32 { return &v }

// String returns a pointer to v.
func String(v string) *string { return &v }

// Bool returns a pointer to v.
func Bool(v bool) *bool { return &v }

// Bucket is a ListBuckets entry.
type Bucket struct {
	Name         string
	CreationDate time.Time
	BucketRegion string
}

// Owner is an object's or bucket's owner: with ACLs disabled
// (BucketOwnerEnforced) always the bucket owner's account.
type Owner struct {
	ID string
}

// Object is a ListObjectsV2 / ListObjects entry.
type Object struct {
	Key          string
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass StorageClass
	Owner        *Owner // only when FetchOwner (v2) or always (v1)
}

// CommonPrefix is a rolled-up group of keys.
type CommonPrefix struct {
	Prefix string
}

// CreateBucketConfiguration carries the bucket's region.
type CreateBucketConfiguration struct {
	LocationConstraint string
}

// CreateBucketInput is CreateBucket's request.
type CreateBucketInput struct {
	Bucket                    string
	CreateBucketConfiguration *CreateBucketConfiguration
	// ObjectOwnership other than "" or BucketOwnerEnforced is refused:
	// this model has no ACLs.
	ObjectOwnership string
}

// CreateBucketOutput is CreateBucket's response.
type CreateBucketOutput struct {
	Location string // "/bucket"
}

// DeleteBucketInput is DeleteBucket's request.
type DeleteBucketInput struct{ Bucket string }

// DeleteBucketOutput is DeleteBucket's response.
type DeleteBucketOutput struct{}

// HeadBucketInput is HeadBucket's request.
type HeadBucketInput struct{ Bucket string }

// HeadBucketOutput is HeadBucket's response.
type HeadBucketOutput struct {
	BucketRegion string
}

// ListBucketsInput is ListBuckets' request.
type ListBucketsInput struct {
	Prefix string
}

// ListBucketsOutput is ListBuckets' response.
type ListBucketsOutput struct {
	Buckets []Bucket
	Owner   *Owner
}

// GetBucketLocationInput is GetBucketLocation's request.
type GetBucketLocationInput struct{ Bucket string }

// GetBucketLocationOutput is GetBucketLocation's response;
// LocationConstraint is "" for us-east-1, as on AWS.
type GetBucketLocationOutput struct {
	LocationConstraint string
}

// PutObjectInput is PutObject's request. An object either holds real
// bytes (Body) or is size-only: Body nil and ContentLength set, for
// studies of millions of objects. Both behave the same in every API,
// except that GetObject of a size-only object returns a deterministic
// synthetic body of the right length.
type PutObjectInput struct {
	Bucket        string
	Key           string
	Body          io.Reader
	ContentLength *int64
	ContentType   string
	Metadata      map[string]string
	StorageClass  StorageClass
	// ServerSideEncryption is "AES256" (the default, SSE-S3), "aws:kms"
	// or "aws:kms:dsse"; it reaches bucket policies as
	// s3:x-amz-server-side-encryption.
	ServerSideEncryption string
	// ACL other than "" or "bucket-owner-full-control" is refused:
	// ACLs are disabled (BucketOwnerEnforced).
	ACL          string
	RequestPayer RequestPayer
}

// PutObjectOutput is PutObject's response.
type PutObjectOutput struct {
	ETag                 string
	VersionId            string
	ServerSideEncryption string
	Size                 int64
}

// GetObjectInput is GetObject's request.
type GetObjectInput struct {
	Bucket       string
	Key          string
	VersionId    string
	Range        string // "bytes=0-1023"
	PartNumber   *int32
	RequestPayer RequestPayer
}

// GetObjectOutput is GetObject's response. Body yields the selected
// bytes; close it when done (it holds no resources).
type GetObjectOutput struct {
	Body          io.ReadCloser
	ContentLength *int64
	ContentRange  string
	ContentType   string
	ETag          string
	LastModified  time.Time
	Metadata      map[string]string
	StorageClass  StorageClass
	VersionId     string
	// PartsCount is set when PartNumber was given on a multipart object.
	PartsCount           *int32
	ServerSideEncryption string
	// StatusCode is 200, or 206 for a range or part.
	StatusCode int
}

// HeadObjectInput is HeadObject's request.
type HeadObjectInput struct {
	Bucket       string
	Key          string
	VersionId    string
	Range        string
	PartNumber   *int32
	RequestPayer RequestPayer
}

// HeadObjectOutput is HeadObject's response.
type HeadObjectOutput struct {
	ContentLength        *int64
	ContentType          string
	ETag                 string
	LastModified         time.Time
	Metadata             map[string]string
	StorageClass         StorageClass
	VersionId            string
	PartsCount           *int32
	ServerSideEncryption string
}

// DeleteObjectInput is DeleteObject's request.
type DeleteObjectInput struct {
	Bucket       string
	Key          string
	VersionId    string
	RequestPayer RequestPayer
}

// DeleteObjectOutput is DeleteObject's response.
type DeleteObjectOutput struct {
	DeleteMarker bool
	VersionId    string
}

// ObjectIdentifier names one object of a DeleteObjects request.
type ObjectIdentifier struct {
	Key       string
	VersionId string
}

// Delete is DeleteObjects' list.
type Delete struct {
	Objects []ObjectIdentifier
	Quiet   bool
}

// DeleteObjectsInput is DeleteObjects' request.
type DeleteObjectsInput struct {
	Bucket       string
	Delete       *Delete
	RequestPayer RequestPayer
}

// DeletedObject reports one deleted object.
type DeletedObject struct {
	Key                   string
	VersionId             string
	DeleteMarker          bool
	DeleteMarkerVersionId string
}

// Error reports one key DeleteObjects could not delete.
type Error struct {
	Key       string
	VersionId string
	Code      string
	Message   string
}

// DeleteObjectsOutput is DeleteObjects' response.
type DeleteObjectsOutput struct {
	Deleted []DeletedObject
	Errors  []Error
}

// CopyObjectInput is CopyObject's request. CopySource is
// "source-bucket/key", optionally with "?versionId=...".
type CopyObjectInput struct {
	Bucket            string
	Key               string
	CopySource        string
	MetadataDirective string // "COPY" (default) or "REPLACE"
	Metadata          map[string]string
	ContentType       string
	StorageClass      StorageClass
	RequestPayer      RequestPayer
}

// CopyObjectResult is the new object's ETag and time.
type CopyObjectResult struct {
	ETag         string
	LastModified time.Time
}

// CopyObjectOutput is CopyObject's response.
type CopyObjectOutput struct {
	CopyObjectResult    *CopyObjectResult
	VersionId           string
	CopySourceVersionId string
}

// ListObjectsV2Input is ListObjectsV2's request.
type ListObjectsV2Input struct {
	Bucket            string
	Prefix            string
	Delimiter         string
	MaxKeys           *int32
	StartAfter        string
	ContinuationToken *string
	EncodingType      EncodingType
	FetchOwner        bool
	RequestPayer      RequestPayer
}

// ListObjectsV2Output is ListObjectsV2's response.
type ListObjectsV2Output struct {
	Name                  string
	Prefix                string
	Delimiter             string
	MaxKeys               int32
	StartAfter            string
	ContinuationToken     *string
	NextContinuationToken *string
	KeyCount              int32
	IsTruncated           bool
	Contents              []Object
	CommonPrefixes        []CommonPrefix
	EncodingType          EncodingType
}

// ListObjectsInput is ListObjects' (version 1) request.
type ListObjectsInput struct {
	Bucket       string
	Prefix       string
	Delimiter    string
	Marker       string
	MaxKeys      *int32
	EncodingType EncodingType
	RequestPayer RequestPayer
}

// ListObjectsOutput is ListObjects' response. NextMarker is returned only
// when Delimiter is set, as on AWS; otherwise use the last key.
type ListObjectsOutput struct {
	Name           string
	Prefix         string
	Delimiter      string
	Marker         string
	NextMarker     string
	MaxKeys        int32
	IsTruncated    bool
	Contents       []Object
	CommonPrefixes []CommonPrefix
	EncodingType   EncodingType
}

// ListObjectVersionsInput is ListObjectVersions' request.
type ListObjectVersionsInput struct {
	Bucket          string
	Prefix          string
	Delimiter       string
	KeyMarker       string
	VersionIdMarker string
	MaxKeys         *int32
	EncodingType    EncodingType
}

// ObjectVersion is a ListObjectVersions entry.
type ObjectVersion struct {
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass StorageClass
}

// DeleteMarkerEntry is a delete marker in ListObjectVersions.
type DeleteMarkerEntry struct {
	Key          string
	VersionId    string
	IsLatest     bool
	LastModified time.Time
}

// ListObjectVersionsOutput is ListObjectVersions' response.
type ListObjectVersionsOutput struct {
	Name                string
	Prefix              string
	Delimiter           string
	KeyMarker           string
	VersionIdMarker     string
	NextKeyMarker       string
	NextVersionIdMarker string
	MaxKeys             int32
	IsTruncated         bool
	Versions            []ObjectVersion
	DeleteMarkers       []DeleteMarkerEntry
	CommonPrefixes      []CommonPrefix
	EncodingType        EncodingType
}
