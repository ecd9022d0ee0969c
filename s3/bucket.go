package s3

import (
	"context"
	"net/http"
	"sort"
	"strings"

	"github.com/google/btree"
)

// CreateBucket creates a bucket in the client's region (or, from
// us-east-1, the region LocationConstraint names, as the legacy global
// endpoint does). The namespace is global within a partition: a name
// another account holds is BucketAlreadyExists; a name the caller holds is
// BucketAlreadyOwnedByYou, except that re-creating one's own bucket in
// us-east-1 succeeds (the legacy behaviour, which AWS documents at
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
// New buckets have Block Public Access on and ACLs disabled.
func (c *Client) CreateBucket(ctx context.Context, in *CreateBucketInput) (*CreateBucketOutput, error) {
	if in == nil {
		in = &CreateBucketInput{}
	}
	if err := ValidateBucketName(in.Bucket); err != nil {
		return nil, c.reject(ctx, "CreateBucket", in.Bucket, err)
	}
	var out *CreateBucketOutput
	s := c.svc
	err := c.call(ctx, &request{op: "CreateBucket", bucket: in.Bucket, noBucket: true, create: true, write: true}, func(sv *served) error {
		target := c.region
		lc := ""
		if in.CreateBucketConfiguration != nil {
			lc = in.CreateBucketConfiguration.LocationConstraint
		}
		switch {
		case lc == "" && c.region != "us-east-1":
			return s3err("IllegalLocationConstraintException", http.StatusBadRequest,
				"The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
		case lc == "us-east-1" || lc == "":
			if lc == "us-east-1" {
				return s3err("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid (us-east-1 is the default and must not be given).")
			}
		default:
			reg, err := s.w.Region(lc)
			if err != nil {
				return s3err("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid (%q).", lc)
			}
			if lc != c.region && c.region != "us-east-1" {
				return s3err("IllegalLocationConstraintException", http.StatusBadRequest,
					"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", lc)
			}
			if home, _ := s.w.Region(c.region); home.Partition() != reg.Partition() {
				return s3err("InvalidLocationConstraint", http.StatusBadRequest, "The specified location-constraint is not valid (%q is in another partition).", lc)
			}
			target = lc
		}
		switch in.ObjectOwnership {
		case "", "BucketOwnerEnforced":
		default:
			return s3err("InvalidArgument", http.StatusBadRequest,
				"ObjectOwnership %q is not supported: ACLs are disabled in this model (BucketOwnerEnforced).", in.ObjectOwnership)
		}
		reg, _ := s.w.Region(target)
		part := reg.Partition().Name()
		if b := s.buckets[part+"/"+in.Bucket]; b != nil && !b.deleted {
			if b.owner != sv.account() {
				return s3err("BucketAlreadyExists", http.StatusConflict,
					"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
			}
			if b.region == "us-east-1" && target == "us-east-1" {
				out = &CreateBucketOutput{Location: "/" + in.Bucket}
				return nil
			}
			return s3err("BucketAlreadyOwnedByYou", http.StatusConflict,
				"Your previous request to create the named bucket succeeded and you already own it.")
		}
		n := 0
		for _, b := range s.buckets {
			if b.owner == sv.account() && !b.deleted {
				n++
			}
		}
		if n >= s.opts.BucketQuota {
			return s3err("TooManyBuckets", http.StatusBadRequest, "You have attempted to create more buckets than allowed (%d).", s.opts.BucketQuota)
		}
		rp, err := s.poolFor(target)
		if err != nil {
			return err
		}
		b := &bucket{name: in.Bucket, region: target, partition: part, owner: sv.account(), created: s.env.Now(),
			keys: newKeyspace(), uploads: btree.NewG(16, uploadLess), pool: rp, hash: fnv64(in.Bucket),
			arnPrefix: objectARNPrefix(part, in.Bucket)}
		b.pab = PublicAccessBlockConfiguration{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
		s.buckets[part+"/"+in.Bucket] = b
		s.meterRequest(sv, classStandard, 1)
		out = &CreateBucketOutput{Location: "/" + in.Bucket}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteBucket deletes an empty bucket: every object version and delete
// marker must be gone first (BucketNotEmpty, HTTP 409).
func (c *Client) DeleteBucket(ctx context.Context, in *DeleteBucketInput) (*DeleteBucketOutput, error) {
	if in == nil {
		in = &DeleteBucketInput{}
	}
	s := c.svc
	err := c.call(ctx, &request{op: "DeleteBucket", bucket: in.Bucket, write: true}, func(sv *served) error {
		b := sv.b
		if b.versions > 0 {
			return s3err("BucketNotEmpty", http.StatusConflict, "The bucket you tried to delete is not empty (%s).", b.name)
		}
		// Incomplete multipart uploads go with the bucket.
		b.uploads.Ascend(func(u *upload) bool { s.dropUpload(b, u); return true })
		b.deleted = true
		b.lifecycleTimer.Stop()
		if b.tiering != nil {
			b.tiering.timer.Stop()
		}
		for i := range b.meters {
			if b.meters[i].id.IsValid() {
				s.meterStorage(b, classIdx(i), -b.meters[i].bytes)
			}
		}
		delete(s.buckets, b.partition+"/"+b.name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteBucketOutput{}, nil
}

// HeadBucket reports whether the bucket exists and the caller may list it
// (s3:ListBucket). Like every HEAD, errors have no body: NotFound (404),
// Forbidden (403), PermanentRedirect (301) for another region's bucket.
func (c *Client) HeadBucket(ctx context.Context, in *HeadBucketInput) (*HeadBucketOutput, error) {
	if in == nil {
		in = &HeadBucketInput{}
	}
	var out *HeadBucketOutput
	err := c.call(ctx, &request{op: "HeadBucket", action: "s3:ListBucket", bucket: in.Bucket, head: true}, func(sv *served) error {
		c.svc.meterRequest(sv, classStandard, 2)
		out = &HeadBucketOutput{BucketRegion: sv.b.region}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListBuckets lists the caller's buckets in every region, by name.
func (c *Client) ListBuckets(ctx context.Context, in *ListBucketsInput) (*ListBucketsOutput, error) {
	if in == nil {
		in = &ListBucketsInput{}
	}
	s := c.svc
	var out *ListBucketsOutput
	err := c.call(ctx, &request{op: "ListBuckets", action: "s3:ListAllMyBuckets", noBucket: true}, func(sv *served) error {
		account := sv.account()
		out = &ListBucketsOutput{Owner: &Owner{ID: account}}
		for _, b := range s.buckets {
			if b.owner == account && strings.HasPrefix(b.name, in.Prefix) {
				out.Buckets = append(out.Buckets, Bucket{Name: b.name, CreationDate: s.env.TimeOf(b.created), BucketRegion: b.region})
			}
		}
		sort.Slice(out.Buckets, func(i, j int) bool { return out.Buckets[i].Name < out.Buckets[j].Name })
		s.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetBucketLocation returns the bucket's region; LocationConstraint is ""
// for us-east-1. It answers from any region's endpoint.
func (c *Client) GetBucketLocation(ctx context.Context, in *GetBucketLocationInput) (*GetBucketLocationOutput, error) {
	if in == nil {
		in = &GetBucketLocationInput{}
	}
	var out *GetBucketLocationOutput
	err := c.call(ctx, &request{op: "GetBucketLocation", bucket: in.Bucket, anyRegion: true}, func(sv *served) error {
		lc := sv.b.region
		if lc == "us-east-1" {
			lc = ""
		}
		out = &GetBucketLocationOutput{LocationConstraint: lc}
		c.svc.meterRequest(sv, classStandard, 2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VersioningConfiguration is PutBucketVersioning's setting.
type VersioningConfiguration struct {
	Status BucketVersioningStatus
}

// PutBucketVersioningInput is PutBucketVersioning's request.
type PutBucketVersioningInput struct {
	Bucket                  string
	VersioningConfiguration *VersioningConfiguration
}

// PutBucketVersioningOutput is PutBucketVersioning's response.
type PutBucketVersioningOutput struct{}

// PutBucketVersioning enables or suspends versioning. A bucket that has
// had versioning can never return to unversioned.
func (c *Client) PutBucketVersioning(ctx context.Context, in *PutBucketVersioningInput) (*PutBucketVersioningOutput, error) {
	if in == nil {
		in = &PutBucketVersioningInput{}
	}
	err := c.call(ctx, &request{op: "PutBucketVersioning", bucket: in.Bucket, write: true}, func(sv *served) error {
		if in.VersioningConfiguration == nil {
			return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (no VersioningConfiguration).")
		}
		switch st := in.VersioningConfiguration.Status; st {
		case BucketVersioningStatusEnabled, BucketVersioningStatusSuspended:
			sv.b.versioning = st
		default:
			return s3err("MalformedXML", http.StatusBadRequest,
				"The XML you provided was not well-formed or did not validate against our published schema (Status %q; want Enabled or Suspended).", st)
		}
		c.svc.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutBucketVersioningOutput{}, nil
}

// GetBucketVersioningInput is GetBucketVersioning's request.
type GetBucketVersioningInput struct{ Bucket string }

// GetBucketVersioningOutput is GetBucketVersioning's response: Status ""
// for a bucket that never had versioning.
type GetBucketVersioningOutput struct {
	Status BucketVersioningStatus
}

// GetBucketVersioning returns the bucket's versioning state.
func (c *Client) GetBucketVersioning(ctx context.Context, in *GetBucketVersioningInput) (*GetBucketVersioningOutput, error) {
	if in == nil {
		in = &GetBucketVersioningInput{}
	}
	var out *GetBucketVersioningOutput
	err := c.call(ctx, &request{op: "GetBucketVersioning", bucket: in.Bucket}, func(sv *served) error {
		out = &GetBucketVersioningOutput{Status: sv.b.versioning}
		c.svc.meterRequest(sv, classStandard, 2)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PutBucketRequestPaymentInput sets who pays for requests: Payer
// "BucketOwner" or "Requester".
type PutBucketRequestPaymentInput struct {
	Bucket string
	Payer  string
}

// PutBucketRequestPaymentOutput is PutBucketRequestPayment's response.
type PutBucketRequestPaymentOutput struct{}

// PutBucketRequestPayment makes a bucket Requester Pays or not. Requests
// to a Requester Pays bucket from another account must confirm with
// RequestPayer "requester" (else AccessDenied) and are billed to the
// requester; storage stays with the owner.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
func (c *Client) PutBucketRequestPayment(ctx context.Context, in *PutBucketRequestPaymentInput) (*PutBucketRequestPaymentOutput, error) {
	if in == nil {
		in = &PutBucketRequestPaymentInput{}
	}
	err := c.call(ctx, &request{op: "PutBucketRequestPayment", bucket: in.Bucket, write: true}, func(sv *served) error {
		switch in.Payer {
		case "BucketOwner":
			sv.b.requesterPays = false
		case "Requester":
			sv.b.requesterPays = true
		default:
			return s3err("MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema (Payer %q).", in.Payer)
		}
		c.svc.meterRequest(sv, classStandard, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutBucketRequestPaymentOutput{}, nil
}

// checkPayer enforces Requester Pays: a request from outside the owner's
// account must carry RequestPayer "requester".
func checkPayer(sv *served, rp RequestPayer) error {
	if !sv.b.requesterPays {
		return nil // inlined: most buckets are not Requester Pays
	}
	return checkRequester(sv, rp)
}

// checkRequester is checkPayer for a Requester Pays bucket.
func checkRequester(sv *served, rp RequestPayer) error {
	if sv.account() != sv.b.owner && rp != RequestPayerRequester {
		return errAccessDenied("Access Denied (bucket %s is Requester Pays: set RequestPayer to \"requester\").", sv.b.name)
	}
	return nil
}
