package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nimbus-sim/nimbus/ec2"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/nimbus-sim/nimbus/vpc"
)

// The S3 store follows the course's training script: the trainer writes
// checkpoints/epoch_NNNN.pt (zero-padded, so that key order is epoch
// order) with the transfer manager, and a new instance resumes from the
// last key a ListObjectsV2 over the prefix returns, read back with the
// Downloader. The instance has no public address: it sits in a private
// subnet whose route table sends S3's prefix list to a gateway endpoint
// (free, and the traffic never leaves the VPC).
const (
	bucketName = "spot-training-" + account
	ckptPrefix = "checkpoints/"
	vpcCIDR    = "10.0.0.0/16"
)

// ckptKey is the course's deterministic key: retrying a write, or
// writing the same epoch from a replacement, overwrites the same object.
func ckptKey(epoch int) string { return fmt.Sprintf("%sepoch_%04d.pt", ckptPrefix, epoch) }

// epochOfKey parses a checkpoint key back into its epoch.
func epochOfKey(key string) (int, bool) {
	s, ok := strings.CutPrefix(key, ckptPrefix+"epoch_")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".pt")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// s3TrainerPolicy is the instance role's policy for the S3 store: write and
// read objects under the prefix (PutObject also covers the multipart
// calls, https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions),
// abort its own multipart uploads, and list the bucket, but only the
// prefix. ListBucket takes the bucket's ARN, the object actions the
// objects' ARN.
const s3TrainerPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Checkpoints","Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
  "Resource":"arn:aws:s3:::` + bucketName + `/` + ckptPrefix + `*"},
 {"Sid":"FindLatest","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + bucketName + `",
  "Condition":{"StringLike":{"s3:prefix":"` + ckptPrefix + `*"}}}]}`

// s3Setup is what the driver builds for the S3 store before the first
// launch: the VPC, the private route table with the S3 gateway endpoint,
// and the bucket (with a lifecycle rule that aborts multipart uploads a
// reclaimed instance left behind, as AWS recommends:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html).
// Subnets are made per zone as the driver first launches there.
type s3Setup struct {
	vc      *vpc.Client
	vpcID   string
	rtID    string
	subnets map[string]string // zone name -> subnet ID
}

func (r *job) prepareS3(p *sim.Proc, driver iam.Credentials) error {
	vc := r.svc.VPC().NewClient(regionCode, region.Credentials(driver))
	v, err := vc.CreateVpc(p, &vpc.CreateVpcInput{CidrBlock: vpcCIDR})
	if err != nil {
		return err
	}
	rt, err := vc.CreateRouteTable(p, &vpc.CreateRouteTableInput{VpcId: v.Vpc.VpcId})
	if err != nil {
		return err
	}
	if _, err := vc.CreateVpcEndpoint(p, &vpc.CreateVpcEndpointInput{VpcId: v.Vpc.VpcId, ServiceName: "com.amazonaws." + regionCode + ".s3",
		RouteTableIds: []string{rt.RouteTable.RouteTableId}}); err != nil {
		return err
	}
	r.net = &s3Setup{vc: vc, vpcID: v.Vpc.VpcId, rtID: rt.RouteTable.RouteTableId, subnets: map[string]string{}}
	sc := r.s3.NewClient(regionCode, driver)
	if _, err := sc.CreateBucket(p, &s3.CreateBucketInput{Bucket: bucketName}); err != nil {
		return err
	}
	_, err = sc.PutBucketLifecycleConfiguration(p, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucketName,
		LifecycleConfiguration: &s3.BucketLifecycleConfiguration{Rules: []s3.LifecycleRule{{ID: "abort-stale-uploads", Status: "Enabled",
			Filter: &s3.LifecycleRuleFilter{Prefix: ckptPrefix}, AbortIncompleteMultipartUpload: &s3.AbortIncompleteMultipartUpload{DaysAfterInitiation: s3.Int32(1)}}}}})
	return err
}

// subnet returns the private subnet of zone, creating it (10.0.i.0/24,
// i the zone's index) and associating it with the private route table on
// first use.
func (n *s3Setup) subnet(p *sim.Proc, zone string, index int) (string, error) {
	if id, ok := n.subnets[zone]; ok {
		return id, nil
	}
	sn, err := n.vc.CreateSubnet(p, &vpc.CreateSubnetInput{VpcId: n.vpcID, CidrBlock: fmt.Sprintf("10.0.%d.0/24", index), AvailabilityZone: zone})
	if err != nil {
		return "", err
	}
	if _, err := n.vc.AssociateRouteTable(p, &vpc.AssociateRouteTableInput{RouteTableId: n.rtID, SubnetId: sn.Subnet.SubnetId}); err != nil {
		return "", err
	}
	n.subnets[zone] = sn.Subnet.SubnetId
	return sn.Subnet.SubnetId, nil
}

// s3Store is a trainer's view of the bucket: a client with the instance
// profile's credentials (re-read from the metadata service before they
// expire, as the SDK's credential chain does).
type s3Store struct {
	r      *job
	client *s3.Client
	exp    time.Time
}

// get returns the client. Its calls carry the instance's location
// explicitly: the transfer manager's part workers are processes of their
// own, and without it their requests would come from the internet rather
// than through the gateway endpoint.
func (st *s3Store) get(q *sim.Proc) (*s3.Client, error) {
	if st.client != nil && st.r.env.NowTime().Before(st.exp.Add(-5*time.Minute)) {
		return st.client, nil
	}
	creds, err := ec2.IMDSCredentials(q)
	if err != nil {
		return nil, err
	}
	c := st.r.s3.NewClient(regionCode, creds)
	if loc, ok := region.LocationOf(q); ok {
		c = c.From(loc)
	}
	st.client, st.exp = c, creds.Expiration
	return c, nil
}

// latest finds the newest checkpoint: every key under the prefix, page by
// page (1,000 keys a page), the greatest one wins (zero-padded epochs sort
// in key order). It returns "" when there is none.
func (st *s3Store) latest(q *sim.Proc, c *s3.Client) (string, error) {
	pg := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: bucketName, Prefix: ckptPrefix})
	best := ""
	for pg.HasMorePages() {
		out, err := pg.NextPage(q)
		if err != nil {
			return "", err
		}
		for _, o := range out.Contents {
			if _, ok := epochOfKey(o.Key); ok && o.Key > best {
				best = o.Key
			}
		}
	}
	return best, nil
}

// restore starts up and resumes from the latest checkpoint, if any; it
// returns the work it holds.
func (st *s3Store) restore(q *sim.Proc, _ *ec2.Machine) (time.Duration, error) {
	if err := q.Sleep(st.r.cfg.Startup); err != nil {
		return 0, err
	}
	var key string
	err := st.r.retry(q, func() error {
		c, err := st.get(q)
		if err != nil {
			return err
		}
		key, err = st.latest(q, c)
		if err != nil || key == "" {
			return err
		}
		d := s3.NewDownloader(c, func(d *s3.Downloader) { d.PartSize = st.r.cfg.PartSize })
		_, err = d.Download(q, nil, &s3.GetObjectInput{Bucket: bucketName, Key: key})
		return err
	})
	if err != nil || key == "" {
		return 0, err
	}
	epoch, _ := epochOfKey(key)
	return time.Duration(epoch) * st.r.cfg.Epoch, nil
}

// save uploads the state for progress (a whole number of epochs) with the
// transfer manager: a multipart upload of PartSize parts, five at a time.
func (st *s3Store) save(q *sim.Proc, progress time.Duration) error {
	key := ckptKey(int(progress / st.r.cfg.Epoch))
	return st.r.retry(q, func() error {
		c, err := st.get(q)
		if err != nil {
			return err
		}
		up := s3.NewUploader(c, func(u *s3.Uploader) { u.PartSize = st.r.cfg.PartSize })
		_, err = up.Upload(q, &s3.PutObjectInput{Bucket: bucketName, Key: key, ContentLength: s3.Int64(st.r.cfg.stateBytes())})
		return err
	})
}

// Retries on top of the SDK's own (three attempts): the course's pattern
// for S3 errors that a later attempt can cure, capped exponential backoff
// with full jitter
// (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
const (
	retryAttempts = 5
	retryBase     = time.Second
	retryMax      = 20 * time.Second
)

// transient reports whether an S3 error is worth retrying: throttling
// (503 SlowDown), a server error, a request or connect timeout. Access
// denied, a missing key or the process being killed are not.
func transient(err error) bool {
	var in *sim.Interrupted
	var k *sim.Killed
	if errors.As(err, &in) || errors.As(err, &k) {
		return false
	}
	return awserr.IsRetryable(err) || errors.Is(err, region.ErrConnectTimeout) || errors.Is(err, region.ErrRequestTimeout)
}

// retry runs fn until it succeeds, fails for good, or retryAttempts
// attempts have failed, sleeping rand[0,1) x min(retryMax, retryBase x 2^i)
// before retry i; the jitter comes from the "spot-training/s3-retry"
// stream.
func (r *job) retry(q *sim.Proc, fn func() error) error {
	rng := r.env.Rand("spot-training/s3-retry")
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == retryAttempts || !transient(err) {
			return err
		}
		r.out.Retries++
		if r.env.Tracing() {
			r.emit("retry", sim.F("attempt", attempt), sim.F("err", err.Error()))
		}
		backoff := min(retryMax, retryBase<<attempt)
		if err := q.Sleep(time.Duration(rng.Float64() * float64(backoff))); err != nil {
			return err
		}
	}
}
