package s3

import (
	"context"
	"fmt"
	"github.com/nimbus-sim/nimbus/internal/chunks"
	"github.com/nimbus-sim/nimbus/internal/refs"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/strs"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/region/storage"
	"github.com/nimbus-sim/nimbus/sim"
)

// Options configure New. The zero value means every default.
type Options struct {
	// FirstByteLatency is the server's time to first byte, in
	// milliseconds, drawn per request (default DefaultFirstByteLatency).
	FirstByteLatency failure.Distribution
	// Storage is the template of each region's storage pool (Name,
	// Zones, ZoneDown and AnyZoneDown are filled in per region). Its zero
	// NodeLifetime means nodes never fail: durability studies set one.
	Storage storage.Options
	// GroupsPerPool is the number of replica groups objects are hashed
	// onto in each region, per kind of placement (default 64).
	GroupsPerPool int
	// Throttle is the request-rate model (zero: DefaultThrottle).
	Throttle Throttle
	// BucketQuota is the number of buckets per account (default
	// DefaultBucketQuota).
	BucketQuota int
}

// DefaultFirstByteLatency is the default server-side first-byte latency in
// ms: lognormal with a median of 60 ms (p95 about 140 ms). An assumption
// placed inside the 100-200 ms small-object latency AWS quotes, which
// includes the network:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html
func DefaultFirstByteLatency() failure.Distribution {
	return failure.LogNormal{Mu: math.Log(60), Sigma: 0.5}
}

// Service is the S3 service of a world: one global bucket namespace per
// partition, buckets in regions, each region's storage pool. Call it
// through a Client. A Service is owned by its Env's goroutine.
type Service struct {
	env    *sim.Env
	w      *region.World
	opts   Options
	ledger *billing.Ledger

	buckets map[string]*bucket // partition + "/" + name
	pools   map[string]*regionPool
	uploads map[string]*upload
	seq     uint64
	fbl     failure.Distribution
	// fblLN is fbl when it is a failure.LogNormal (the default), drawn
	// from fblRand over its source (firstByte), else nil.
	fblLN   *failure.LogNormal
	fblRand *rand.Rand
	lost    int64
	stats   Stats

	// cur is the served view of the call whose effect ran last. Effects
	// run synchronously inside the pipeline's server instant, and the
	// pipeline calls BillRequest right after the effect in that same
	// instant, so one scratch value per service carries the effect's
	// request charge to billFn without a per-call allocation.
	cur served
	// billFn is every request's Request.BillRequest, built once.
	billFn func(c *region.Call, err error)
	// last is the bucket the last request named: the next request
	// usually names it again, and comparing two short strings is cheaper
	// than building the map key and hashing it.
	last *bucket
	// arns is the chunk object ARNs are written into (objectARN).
	arns chunks.Text
	// lastPrefix and lastARN are the last ARN objectARN wrote and its
	// bucket prefix: a run of requests on a key the bucket does not hold
	// (a multipart upload's parts, reads of a missing key) writes it once.
	lastPrefix, lastARN string
	// getResults and putResults are what is left of the blocks GetObject
	// and PutObject take their responses from (takeResult).
	getResults []getResult
	putResults []putResult
}

// bucketNamed returns the live or deleted bucket of s.buckets named name
// in partition, or nil. The map entry of a name changes only when a new
// bucket replaces a deleted one (CreateBucket), so a remembered bucket
// not deleted is still the map's entry. The names are mostly the very
// strings the bucket was made with (the client's partition, the caller's
// name), which strs.Same compares without reading their bytes.
func (s *Service) bucketNamed(partition, name string) *bucket {
	if b := s.last; b != nil && !b.deleted && strs.Same(b.name, name) && strs.Same(b.partition, partition) {
		return b
	}
	return s.lookupBucket(partition, name)
}

// lookupBucket is bucketNamed of a bucket other than the last one.
func (s *Service) lookupBucket(partition, name string) *bucket {
	b := s.buckets[partition+"/"+name]
	if b != nil {
		s.last = b
	}
	return b
}

// Stats counts what the service did.
type Stats struct {
	// SlowDowns is the number of 503 SlowDown answers of the request-rate
	// model (before client retries).
	SlowDowns int64
}

// Stats returns the service's counters.
func (s *Service) Stats() Stats { return s.stats }

// New returns the S3 service of world w.
func New(w *region.World, opts Options) (*Service, error) {
	if w == nil {
		panic("s3: New: nil world")
	}
	if opts.FirstByteLatency == nil {
		opts.FirstByteLatency = DefaultFirstByteLatency()
	}
	if err := opts.FirstByteLatency.Validate(); err != nil {
		return nil, fmt.Errorf("s3: Options.FirstByteLatency: %w", err)
	}
	if opts.GroupsPerPool == 0 {
		opts.GroupsPerPool = 64
	}
	if opts.GroupsPerPool < 0 {
		return nil, fmt.Errorf("s3: Options.GroupsPerPool %d < 0", opts.GroupsPerPool)
	}
	if opts.BucketQuota == 0 {
		opts.BucketQuota = DefaultBucketQuota
	}
	if opts.Throttle == (Throttle{}) {
		opts.Throttle = DefaultThrottle()
	}
	if err := opts.Throttle.validate(); err != nil {
		return nil, err
	}
	env := w.Env()
	s := &Service{env: env, w: w, opts: opts, ledger: w.Billing(),
		buckets: map[string]*bucket{}, pools: map[string]*regionPool{}, uploads: map[string]*upload{}}
	s.fbl = opts.FirstByteLatency.WithSource(env.Source("s3/latency/first-byte"))
	if ln, ok := s.fbl.(failure.LogNormal); ok && ln.Src != nil {
		// The default's draw, made in line by firstByte.
		s.fblLN, s.fblRand = &ln, rand.New(ln.Src)
	}
	s.billFn = s.billRequest
	return s, nil
}

// MustNew is New for tests and examples.
func MustNew(w *region.World, opts Options) *Service {
	s, err := New(w, opts)
	if err != nil {
		panic(err)
	}
	return s
}

// World returns the world.
func (s *Service) World() *region.World { return s.w }

// LostObjects returns the number of object versions lost because every
// replica of their group failed before repair.
func (s *Service) LostObjects() int64 { return s.lost }

// Pool returns a region's storage pool (created with the region's first
// bucket).
func (s *Service) Pool(regionCode string) (*storage.Pool, bool) {
	rp, ok := s.pools[regionCode]
	if !ok {
		return nil, false
	}
	return rp.pool, true
}

// Client is an S3 client for one region and one set of credentials, like
// aws-sdk-go-v2's s3.Client built from a config. Every method is one API
// call through the world's request pipeline.
type Client struct {
	svc    *Service
	region string
	creds  iam.Credentials
	from   region.Location
	retry  *region.ClientConfig
	// partition is the region's partition, resolved once.
	partition string
	// base is the region.Request of the client's calls. NewClient, From
	// and WithRetry keep the fields the client fixes (region,
	// credentials, origin, retry configuration) in step with its own;
	// call sets the rest, every one of them, for each call and passes it
	// to CallRef, which copies it before the call first waits. So a call
	// neither copies the ~300 bytes of the client's fields nor sees
	// those of another call of the client, of a process it interleaves
	// with: no process runs between call's stores and CallRef's copy.
	base region.Request
}

// setBase fills c.base from the client's fields.
func (c *Client) setBase() {
	c.base = region.Request{Service: "s3", ServiceID: "S3", Region: c.region, Credentials: c.creds, From: c.from,
		Resource: "*", Client: c.retry, AllowAnonymous: true, BillErrors: region.BillClientErrors, BillRequest: c.svc.billFn}
}

// WithRetry returns a copy of the client with its own retry and timeout
// configuration (the world's by default).
func (c *Client) WithRetry(cfg region.ClientConfig) *Client {
	d := *c
	d.retry = &cfg
	d.setBase()
	return &d
}

// NewClient returns a client calling region's endpoint with creds.
func (s *Service) NewClient(regionCode string, creds iam.Credentials) *Client {
	partition := "aws" // an unknown region fails in the pipeline (UnknownEndpoint)
	if reg, err := s.w.Region(regionCode); err == nil {
		partition = reg.Partition().Name()
	}
	c := &Client{svc: s, region: regionCode, creds: creds, partition: partition}
	c.setBase()
	return c
}

// From returns a copy of the client whose calls come from loc (an
// instance's place, another region, the internet).
func (c *Client) From(loc region.Location) *Client {
	d := *c
	d.from = loc
	d.setBase()
	return &d
}

// Region returns the client's region.
func (c *Client) Region() string { return c.region }

// request describes one S3 call for call.
type request struct {
	op       string
	action   string // IAM action; default "s3:" + op
	bucket   string
	key      string // "" for bucket operations
	hasKey   bool
	ctx      map[string][]string
	reqBytes int64
	// noBucket: the operation does not need the bucket to exist
	// (CreateBucket, ListBuckets).
	noBucket bool
	// create: the bucket is being created, so an existing bucket's owner
	// and policy do not apply.
	create bool
	// anyRegion: answered from every region's endpoint.
	anyRegion bool
	head      bool // HEAD: errors carry no body
	read      bool // GET or HEAD of an object: its ETag is wanted (keyARN)
	write     bool // counts against the PUT/COPY/POST/DELETE rate
	// checkKey: call validates key (ValidateKey) unless the bucket's
	// index holds it, and rejects the request if it is not valid. Every
	// key in an index was validated when it was written, so the common
	// GET and PUT of an existing key skip the check.
	checkKey bool
	payer    RequestPayer
}

// served is what the effect sees. call sets s.cur field by field before
// the effect (a new field must be set there too), and clears its live
// flag after the call.
type served struct {
	rc *region.Call
	// live: rc's call is in its server instant, or has not returned
	// since (call clears it when the call returns). A flag, where
	// clearing rc would store a pointer twice a call (nil, then the next
	// call's frame, mostly the same one: refs.SetPtr skips that store), each
	// with a write barrier while the collector marks.
	live bool
	b    *bucket // nil when the bucket does not exist
	bill callBill
	// hint is the look-up of the request's key in b made when the call
	// began (keyARN); hint.gen is 0 for a request without one.
	hint headHint
}

// of reports whether sv is c's: c's effect ran and c has not returned
// since (a reused call frame's next call is another).
func (sv *served) of(c *region.Call) bool { return sv.live && sv.rc == c }

// account is the caller's account. Asked for by the few effects that need
// it (Requester Pays, bucket ownership), not stored for every call: the
// pipeline's Principal is copied whole to read it.
func (sv *served) account() string { return sv.rc.Principal().Account }

// findHead returns sv.b.heads.find(key) for the key of sv's request:
// the look-up made when the call began, if the index has not changed
// since (the request's bucket is sv.b, so the generations compare the
// same index), or a new one.
func (sv *served) findHead(key string) (*version, uint64, bool) {
	if h := &sv.hint; h.gen != 0 && h.gen == sv.b.heads.gen {
		if !h.ok {
			return nil, h.hash, false
		}
		return sv.b.heads.slots[h.slot], h.hash, true
	}
	return sv.b.heads.find(key)
}

func (s *Service) arnPrefix(partition string) string {
	if partition == "aws" {
		return "arn:aws:s3:::"
	}
	return "arn:" + partition + ":s3:::"
}

// call runs one S3 request through the pipeline: the bucket's policy and
// owner go to IAM with the bucket ARN (bucket operations) or object ARN
// (object operations); the bucket must be in the client's region
// (PermanentRedirect otherwise); throttling and first-byte latency apply
// at the server; effect changes state at one instant.
//
// Every request runs call and its server closure, so both keep only the
// common case (an existing bucket in the client's region, an object
// request) in line; the rest is in functions of its own (resourceOf,
// admit, callError), which keeps the code each request runs short: a
// request's code hardly fits the instruction cache, and every cache line
// less is a miss less on every call.
func (c *Client) call(ctx context.Context, r *request, effect func(sv *served) error) error {
	s := c.svc
	action := r.action
	if action == "" {
		action = Action(r.op)
	}
	resource, account, policy, payer, inEffect := "*", "", (*iam.Policy)(nil), region.PayCaller, false
	var b *bucket
	var hint headHint
	if r.bucket != "" {
		b = s.bucketNamed(c.partition, r.bucket)
		if r.hasKey && b != nil {
			// A deleted bucket's prefix is still its name's.
			resource, hint = s.keyARN(b, r.key, r.read)
		} else {
			resource = s.resourceOf(c.partition, r)
		}
		if b != nil && !r.create {
			account, policy = b.owner, b.effectivePolicy
			// S3 bills the bucket owner, or the requester of a Requester
			// Pays bucket who says it will pay.
			payer = region.PayResourceOwner
			if b.requesterPays && r.payer == RequestPayerRequester {
				payer = region.PayRequester
			}
		}
		// S3 looks the bucket up before it authorizes: a bucket that does
		// not exist is NoSuchBucket (404) whoever asks, with or without
		// permissions, anonymous requests included (the answer dangling
		// DNS names to deleted buckets get).
		// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
		inEffect = (b == nil || b.deleted) && !r.noBucket
	}
	if r.checkKey && !hint.ok {
		if err := ValidateKey(r.key); err != nil {
			return c.rejectKey(ctx, r, err)
		}
	}
	req := &c.base // every field call sets, set for this call (see base)
	// The fields a run of like calls repeats (the operation, the bucket's
	// owner and policy) are stored only when they change (refs.SetString,
	// refs.SetPtr): a pointer store takes a write barrier while the collector
	// marks, which then looks up the object of each pointer it stored.
	refs.SetString(&req.Operation, r.op)
	refs.SetString(&req.Action, action)
	refs.SetString(&req.ResourceAccount, account)
	refs.SetPtr(&req.ResourcePolicy, policy)
	if !refs.Same(&req.Context, &r.ctx) {
		req.Context = r.ctx
	}
	req.RequestBytes, req.Resource, req.Payer, req.AuthorizeInEffect = r.reqBytes, resource, payer, inEffect
	err := s.w.CallRef(ctx, req, func(rc *region.Call) error {
		// Field by field: storing a whole served into the service (heap
		// memory) takes the runtime's bulk write barrier while the
		// collector marks, on every call; and, as above, the fields a
		// run of calls repeats only when they change.
		sv := &s.cur
		refs.SetPtr(&sv.rc, rc)
		sv.live = true
		refs.SetPtr(&sv.b, b)
		sv.bill = callBill{tier: tierUnpriced}
		sv.hint = hint // no pointers: no write barrier
		if b != nil && b.deleted {
			sv.b = nil
		}
		if !r.noBucket {
			if sv.b == nil || rc.Request().AuthorizeInEffect || !strs.Same(sv.b.region, c.region) && !r.anyRegion {
				if err := c.admit(sv, r); err != nil {
					return err
				}
			}
			if !s.opts.Throttle.Disabled {
				if err := s.throttle(sv.b, r); err != nil {
					return err
				}
			}
		}
		if d := s.firstByte(); d > 0 {
			rc.Delay(time.Duration(d * float64(time.Millisecond)))
		}
		if err := effect(sv); err != nil {
			return err
		}
		if r.reqBytes != 0 && rc.Route() != nil {
			s.meterNATRequest(sv, r.reqBytes)
		}
		return nil
	})
	// The call is over: forget its charge, so that a
	// later call served in the same reused call frame, billed without its
	// effect running (a 403 inside the owner's account), is not taken for
	// this one by billRequest. No other call can be inside its server
	// instant here: that instant is atomic.
	// Every reader of s.cur checks live and its rc first (billRequest),
	// and the next call sets every field before its effect runs:
	// clearing live is enough, and the other fields' stores (and their
	// write barriers while the collector marks) are saved.
	s.cur.live = false
	if err != nil {
		return callError(r, err)
	}
	return nil
}

// firstByte draws a request's first-byte latency in milliseconds:
// s.fbl.Rand().
func (s *Service) firstByte() float64 {
	if s.fblLN != nil {
		return s.fblLN.RandFrom(s.fblRand)
	}
	return s.fbl.Rand()
}

// resourceOf is the ARN of a request call does not find the bucket of, or
// of a bucket request.
func (s *Service) resourceOf(partition string, r *request) string {
	if r.hasKey {
		return s.objectARNOf(partition, r.bucket, r.key)
	}
	return s.arnPrefix(partition) + r.bucket
}

// admit is the server's check of the bucket a request names, when call
// finds it missing, created while the request was on its way, or in
// another region than the client's.
func (c *Client) admit(sv *served, r *request) error {
	if sv.b == nil {
		return errNoSuchBucket(r.bucket)
	}
	if rq := sv.rc.Request(); rq.AuthorizeInEffect {
		// The bucket was created while the request was on its way:
		// authorize against it now.
		if err := c.svc.authorize(sv, rq.Action, rq.Resource, sv.b); err != nil {
			return err
		}
	}
	if sv.b.region != c.region && !r.anyRegion {
		return s3err("PermanentRedirect", 301,
			"The bucket you are attempting to access must be addressed using the specified endpoint: %s is in %s, not %s.",
			r.bucket, sv.b.region, c.region)
	}
	return nil
}

// rejectKey is reject of a request whose key is not valid (call's
// checkKey), out of line.
//
//go:noinline
func (c *Client) rejectKey(ctx context.Context, r *request, err error) error {
	if r.head {
		err = headError(err)
	}
	return c.reject(ctx, r.op, r.bucket, err)
}

// callError is the error call returns for a request that failed with err.
func callError(r *request, err error) error {
	if r.head {
		err = headError(err)
	}
	return opError(r.op, err)
}

// authorize asks IAM whether the caller of rc may also perform action on
// resource (CopyObject's source, DeleteObjects' keys, the ListBucket
// check behind 403-versus-404).
func (s *Service) authorize(sv *served, action, resource string, b *bucket) error {
	also := *sv.rc.Request()
	also.Action, also.Resource = action, resource
	also.ResourcePolicy, also.ResourceAccount = nil, ""
	if b != nil {
		also.ResourcePolicy, also.ResourceAccount = b.effectivePolicy, b.owner
	}
	return sv.rc.Authorize(&also)
}

// defaultTier is an operation's request charge: DELETE requests are free;
// PUT, COPY, POST and LIST are tier 1; GET, HEAD and the rest tier 2.
// https://aws.amazon.com/s3/pricing/
// It depends on the operation alone, so the charge of a request refused
// before its effect ran is known from the request.
func defaultTier(op string) int {
	switch op {
	case "GetObject", "HeadObject":
		return 2 // the common requests first, as the prefixes below would answer
	case "PutObject", "UploadPart":
		return 1
	case "DeleteObject", "DeleteBucket", "AbortMultipartUpload", "DeleteBucketPolicy":
		return 0
	case "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListBuckets", "ListParts", "ListMultipartUploads", "DeleteObjects":
		return 1
	}
	// Every call pays for this: look at the first letter before the
	// prefixes (most requests are GETs and HEADs, which match none).
	if op == "" {
		return 2
	}
	switch op[0] {
	case 'P', 'C', 'U':
		for _, p := range [...]string{"Put", "Create", "Complete", "Upload", "Copy"} {
			if strings.HasPrefix(op, p) {
				return 1
			}
		}
	}
	return 2
}

// reject answers a request S3 refuses for its parameters (a bad bucket
// name, key, part number, range ...). The check is S3's, not the SDK's,
// so the request still goes through the pipeline: it is authenticated,
// authorized against the bucket, and billed as the 4xx it is; then the
// effect returns err.
func (c *Client) reject(ctx context.Context, op, bucketName string, err error) error {
	r := request{op: op, action: actionOf(op), bucket: bucketName, noBucket: true, anyRegion: true,
		head: op == "HeadObject" || op == "HeadBucket"}
	if ValidateBucketName(bucketName) != nil {
		r.bucket = "" // not a name an ARN can carry
	}
	return c.call(ctx, &r, func(*served) error { return err })
}

// Action returns the IAM action an S3 operation is authorized as (without
// a VersionId): "s3:GetObject" for HeadObject, "s3:ListBucket" for the
// list calls and HeadBucket, "s3:PutObject" for the multipart and copy
// calls, and "s3:" + op for the others.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
func Action(op string) string {
	if a := actionOf(op); a != "" {
		return a
	}
	if a, ok := plainActions[op]; ok {
		return a
	}
	return "s3:" + op
}

// plainActions holds "s3:" + op for the operations whose action is
// named after them, so a call does not build the string each time. It is
// never written after package initialization.
var plainActions = func() map[string]string {
	m := map[string]string{}
	for _, op := range []string{"GetObject", "PutObject", "DeleteObject", "CopyObject", "CreateBucket", "DeleteBucket",
		"GetBucketLocation", "PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy", "PutBucketVersioning",
		"GetBucketVersioning", "PutBucketRequestPayment", "AbortMultipartUpload"} {
		m[op] = "s3:" + op
	}
	return m
}()

// actionOf maps operations whose IAM action is not "s3:" + the operation.
func actionOf(op string) string {
	switch op {
	case "HeadObject":
		return "s3:GetObject"
	case "HeadBucket", "ListObjects", "ListObjectsV2":
		return "s3:ListBucket"
	case "ListObjectVersions":
		return "s3:ListBucketVersions"
	case "ListBuckets":
		return "s3:ListAllMyBuckets"
	case "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject":
		return "s3:PutObject"
	case "ListParts":
		return "s3:ListMultipartUploadParts"
	case "ListMultipartUploads":
		return "s3:ListBucketMultipartUploads"
	case "PutBucketLifecycleConfiguration":
		return "s3:PutLifecycleConfiguration"
	case "GetBucketLifecycleConfiguration":
		return "s3:GetLifecycleConfiguration"
	case "PutPublicAccessBlock":
		return "s3:PutBucketPublicAccessBlock"
	case "GetPublicAccessBlock":
		return "s3:GetBucketPublicAccessBlock"
	}
	return ""
}
