// Package s3 is the simulated Amazon S3 service: buckets in a global
// namespace per partition, immutable objects with strong read-after-write
// consistency, exact listing, ranges, multipart uploads, versioning,
// lifecycle rules run as daemons, storage classes, bucket policies with
// Block Public Access, anonymous access, Requester Pays, request-rate
// throttling, first-byte latency, metering, and a transfer manager. Object
// replicas live on the region-level storage substrate (region/storage),
// so durability and availability are outcomes of the model.
//
// # Usage
//
//	env := sim.New(1)
//	w := region.MustNewWorld(env, region.Options{})
//	svc := s3.MustNew(w, s3.Options{})
//	c := svc.NewClient("us-east-1", creds) // creds of an IAM user with S3 permissions
//	env.Go("job", func(p *sim.Proc) {
//		_, err := c.CreateBucket(p, &s3.CreateBucketInput{Bucket: "checkpoints"})
//		_, err = c.PutObject(p, &s3.PutObjectInput{Bucket: "checkpoints", Key: "step-100",
//			ContentLength: s3.Int64(4 << 30)}) // size-only: no bytes held
//		out, err := c.GetObject(p, &s3.GetObjectInput{Bucket: "checkpoints", Key: "step-100", Range: "bytes=0-1023"})
//		pg := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: "checkpoints"})
//		up := s3.NewUploader(c) // multipart above 8 MiB, 5 parts at a time
//		...
//	})
//	env.Run()
//
// A Client is shaped like aws-sdk-go-v2's: ctx first (the calling
// *sim.Proc, or a context carrying one), *Input and *Output structs,
// errors that are *smithy.OperationError wrapping an API error with S3's
// code and HTTP status (match with errors.Is(err, s3.ErrNoSuchKey) or
// smithy.APIError). A client with empty credentials is anonymous.
//
// # Every call goes through the pipeline
//
// Each operation is one region.World.Call with IAM's S3 action and the
// bucket ARN (bucket operations, ListBucket) or object ARN (object
// operations), the bucket's policy as the resource policy and its owner
// as the resource account: within the owner's account either the identity
// or the bucket policy may allow, across accounts both must, an explicit
// deny wins. The condition keys s3:prefix, s3:delimiter, s3:max-keys and
// s3:x-amz-server-side-encryption reach the evaluator, with aws:SourceIp,
// aws:SourceVpc and aws:SourceVpce from the world's routing hook. Checks
// inside one request (CopyObject's source, each key of DeleteObjects, the
// s3:ListBucket check that turns a missing key into 403 instead of 404)
// use region.Call.Authorize. A request to a bucket of another region is
// PermanentRedirect (301). A bucket that does not exist is NoSuchBucket
// (404) whoever asks: S3 looks the bucket up before it authorizes.
// Requests are billed to the bucket owner (or a Requester Pays
// requester), and failed ones as S3 bills them (4xx yes, 5xx no,
// cross-account 403 no).
//
// # Semantics
//
// Bucket names follow the general purpose naming rules; CreateBucket of a
// taken name is BucketAlreadyExists (another account) or
// BucketAlreadyOwnedByYou (yours; 200 OK in us-east-1). Only an empty
// bucket (no versions, no delete markers) can be deleted. New buckets
// have Block Public Access on and ACLs disabled (BucketOwnerEnforced).
//
// Keys are kept in byte order in a google/btree per bucket. ListObjectsV2,
// ListObjects and ListObjectVersions roll keys up into common prefixes at
// the first delimiter after the prefix, seek past each common prefix, and
// page by an opaque token, StartAfter or markers: a page costs
// O(page x log n) whatever the bucket size (the listing is checked against
// a naive lister by a property test). An entry at or before the marker is
// never repeated, so a common prefix at or before StartAfter is skipped.
//
// PutObject replaces the whole object (S3 has no append); ETags are the
// MD5 of a single PUT and MD5(part MD5s)-N for a multipart upload, and an
// MD5-shaped value derived from the version for size-only objects. An
// object either holds bytes or is size-only (Body nil, ContentLength
// set); a size-only GetObject returns a deterministic synthetic body of
// the right length. Ranges follow RFC 9110 as S3 applies it (ParseRange).
// Versioning keeps every version with an opaque 32-character ID, delete
// markers and the "null" version of unversioned and suspended states.
//
// Storage classes STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING
// and GLACIER_IR carry their minimum storage durations and minimum
// billable sizes; early deletion is billed. Storage is metered as
// TimedStorage-*-ByteHrs per class and bucket, prorated by the second,
// with one timed meter per bucket and class. Intelligent-Tiering objects
// of 128 KiB or more move from the Frequent to the Infrequent Access tier
// after 30 days without a GET or copy, to Archive Instant Access after 90,
// and back on access; each tier is metered on its own and monitored
// objects pay the per-object monitoring charge. Tiers are computed from
// each object's last-access day; one daemon timer per bucket applies the
// moves at midnight UTC.
//
// Lifecycle rules run once a day at midnight UTC as daemon timers:
// expiration by prefix, size and age (creation + days rounded up to
// midnight UTC), noncurrent-version expiration, transitions and the abort
// of incomplete multipart uploads.
//
// # Replicas, durability, availability
//
// Objects are hashed onto replica groups of the region's storage pool:
// three zones for every class but ONEZONE_IA, one zone for it. A node
// failure loses its replicas, which are rebuilt at the node's repair
// bandwidth; an object is lost only when every replica of its group fails
// before repair, and then reads answer NoSuchKey and LostObjects counts
// it. A dark zone (region.World.FailAZ) hides its replicas: multi-zone
// objects stay readable, ONEZONE_IA objects there fail with InternalError
// (500) until the zone returns. An impaired region is ServiceUnavailable.
//
// # Throttling and latency
//
// Each partitioned prefix (assumed: the key up to its first "/") takes
// 3,500 writes and 5,500 reads per second; above that, 503 SlowDown, which
// the SDK's retry mode retries. A prefix that keeps throttling doubles its
// capacity after each RampInterval (an assumption; AWS documents only
// that scaling is gradual). First-byte latency is drawn per request
// (DefaultFirstByteLatency); throughput comes from the network path and
// the caller's shared interface bandwidth.
//
// # Scale
//
// A size-only object costs about 130 bytes (BenchmarkMemory10MObjects: ten
// million in one bucket in about 1.3 GiB). New keys are copied into
// per-bucket string chunks and versions come from per-bucket slabs, so a
// dataset written in key order is laid out in key order and a listing
// walks memory sequentially; a chunk or slab is freed when nothing in it
// is referenced.
//
// # Randomness
//
// Streams: "s3/latency/first-byte", "s3/<region>/storage/placement",
// "s3/<region>/storage/repair", "s3/<region>/storage/lifetime/<zone>".
package s3
