package s3

import (
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestAnonymousPublicRead: a request without credentials is the anonymous
// principal; only a bucket policy with "Principal": "*" lets it read, and
// only once Block Public Access allows that policy to count.
func TestAnonymousPublicRead(t *testing.T) {
	f := newFixture(t, 70, Options{})
	anon := f.svc.NewClient(testRegion, iam.Credentials{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "public-site")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "public-site", Key: "index.html", ContentLength: Int64(512)})
		require.NoError(t, err)
		_, err = anon.GetObject(p, &GetObjectInput{Bucket: "public-site", Key: "index.html"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.admin.PutPublicAccessBlock(p, &PutPublicAccessBlockInput{Bucket: "public-site", PublicAccessBlockConfiguration: &PublicAccessBlockConfiguration{}})
		require.NoError(t, err)
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "public-site", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-site/*"}]}`})
		require.NoError(t, err)
		g, err := anon.GetObject(p, &GetObjectInput{Bucket: "public-site", Key: "index.html"})
		require.NoError(t, err)
		b, _ := io.ReadAll(g.Body)
		require.Len(t, b, 512)
		// Not listable: a missing key is 403 for the anonymous caller.
		_, err = anon.GetObject(p, &GetObjectInput{Bucket: "public-site", Key: "missing.html"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = anon.PutObject(p, &PutObjectInput{Bucket: "public-site", Key: "x", ContentLength: Int64(1)})
		wantErr(t, err, "AccessDenied", 403)
		_, err = anon.ListBuckets(p, nil)
		wantErr(t, err, "AccessDenied", 403)
	})
	// The anonymous GET (and its bytes to the internet) is billed to the
	// bucket owner.
	require.Equal(t, "1", f.amount(ownerAccount, "Requests-Tier2").RatString()+"")
	require.Positive(t, f.amount(ownerAccount, "DataTransfer-Out-Bytes").Sign())
}

// testRouter routes callers in subnet-a through an S3 gateway endpoint and
// everyone else through a NAT gateway to the internet.
type testRouter struct{}

func (testRouter) Route(from region.Location, to region.Destination) (region.Route, bool) {
	n := from.Network()
	switch n.SubnetID {
	case "subnet-a":
		return region.Route{Hops: []region.Hop{{Kind: region.HopGatewayEndpoint, ID: "vpce-0a1b"}}, Transfer: region.TransferIntraAZ,
			Keys: region.SourceKeys{SourceVpc: n.VpcID, SourceVpce: "vpce-0a1b", VpcSourceIP: n.PrivateIPv4}}, true
	case "subnet-b":
		return region.Route{Hops: []region.Hop{{Kind: region.HopNATGateway, ID: "nat-0c2d", Latency: 100 * time.Microsecond},
			{Kind: region.HopInternetGateway, ID: "igw-1"}}, Transfer: region.TransferNATProcessed,
			Keys: region.SourceKeys{SourceIP: netip.MustParseAddr("203.0.113.7")}}, true
	}
	return region.Route{Transfer: region.TransferInternetOut}, true
}

func (testRouter) CheckNetwork(n region.NetworkIdentity) error {
	if n.SubnetID != "" && n.SubnetID != "subnet-a" && n.SubnetID != "subnet-b" {
		return fmt.Errorf("InvalidSubnetID.NotFound: The subnet ID '%s' does not exist", n.SubnetID)
	}
	return nil
}

// TestSourceVpceConditionFromRouter: a bucket policy that denies requests
// not coming through a given gateway endpoint sees aws:SourceVpce from the
// routing hook; traffic through a NAT gateway carries aws:SourceIp instead
// and is denied.
func TestSourceVpceConditionFromRouter(t *testing.T) {
	f := newFixture(t, 71, Options{})
	f.w.Network().SetRouter(testRouter{})
	az := f.w.Regions()[0].AZs()[0].ID()
	loc, err := f.w.InAZ(az)
	require.NoError(t, err)
	inA := loc.WithNetwork(region.NetworkIdentity{VpcID: "vpc-1", SubnetID: "subnet-a", PrivateIPv4: netip.MustParseAddr("10.0.1.5"), OnInstance: true})
	inB := loc.WithNetwork(region.NetworkIdentity{VpcID: "vpc-1", SubnetID: "subnet-b", PrivateIPv4: netip.MustParseAddr("10.0.2.5"), OnInstance: true})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "vpc-only")
		_, err := f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "vpc-only", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::vpc-only","arn:aws:s3:::vpc-only/*"],
			 "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0a1b"}}}]}`})
		require.NoError(t, err)
		_, err = f.admin.From(inA).PutObject(p, &PutObjectInput{Bucket: "vpc-only", Key: "k", ContentLength: Int64(1 << 20)})
		require.NoError(t, err)
		_, err = f.admin.From(inA).GetObject(p, &GetObjectInput{Bucket: "vpc-only", Key: "k"})
		require.NoError(t, err)
		_, err = f.admin.From(inB).GetObject(p, &GetObjectInput{Bucket: "vpc-only", Key: "k"})
		wantErr(t, err, "AccessDenied", 403)
		// The location can also ride on the context, as ec2 attaches it to
		// an instance's processes.
		_, err = f.admin.GetObject(region.WithLocation(p, inA), &GetObjectInput{Bucket: "vpc-only", Key: "k"})
		require.NoError(t, err)
	})
	require.Equal(t, "0", f.amount(ownerAccount, "DataTransfer-Out-Bytes").RatString(), "gateway endpoint traffic is not internet transfer")
}

// TestBilledErrors follows S3's error billing: 4xx responses are billed to
// the bucket owner (a NoSuchKey GET is a GET), but not an AccessDenied
// for a caller from outside the owner's account, and not 5xx.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorCodeBilling.html
func TestBilledErrors(t *testing.T) {
	f := newFixture(t, 72, Options{Throttle: Throttle{ReadsPerSecond: 1, WritesPerSecond: 1, RampInterval: time.Hour}})
	cfg := region.DefaultClientConfig()
	cfg.MaxAttempts = 1
	f.do(func(p *sim.Proc) {
		f.bucket(p, "billing-errs")
		_, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "billing-errs", Key: "missing"})
		wantErr(t, err, "NoSuchKey", 404)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "billing-errs", Key: "missing"})
		wantErr(t, err, "AccessDenied", 403)
		p.Sleep(2 * time.Second)
		c := f.admin.WithRetry(cfg)
		_, err = c.HeadObject(p, &HeadObjectInput{Bucket: "billing-errs", Key: "a"})
		wantErr(t, err, "NotFound", 404)
		_, err = c.HeadObject(p, &HeadObjectInput{Bucket: "billing-errs", Key: "a"})
		wantErr(t, err, "SlowDown", 503) // second read in the second: throttled
	})
	require.Equal(t, "2", f.amount(ownerAccount, "Requests-Tier2").RatString(), "the NoSuchKey GET and the NotFound HEAD")
	require.Equal(t, "0", f.amount(otherAccount, "Requests-Tier2").RatString())
}

// TestUploadThroughNATBillsProcessing: a NAT gateway charges per GB it
// processes in either direction (https://aws.amazon.com/vpc/pricing/), so
// an upload from a private subnet through NAT bills its request body as
// NatGateway-Bytes to the caller, as a download bills its response; the
// same upload through a gateway endpoint bills no NAT processing.
func TestUploadThroughNATBillsProcessing(t *testing.T) {
	f := newFixture(t, 72, Options{})
	f.w.Network().SetRouter(testRouter{})
	az := f.w.Regions()[0].AZs()[0].ID()
	loc, err := f.w.InAZ(az)
	require.NoError(t, err)
	inA := loc.WithNetwork(region.NetworkIdentity{VpcID: "vpc-1", SubnetID: "subnet-a", PrivateIPv4: netip.MustParseAddr("10.0.1.5"), OnInstance: true})
	inB := loc.WithNetwork(region.NetworkIdentity{VpcID: "vpc-1", SubnetID: "subnet-b", PrivateIPv4: netip.MustParseAddr("10.0.2.5"), OnInstance: true})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "uploads")
		_, err := f.admin.From(inA).PutObject(p, &PutObjectInput{Bucket: "uploads", Key: "via-endpoint", ContentLength: Int64(1 << 30)})
		require.NoError(t, err)
	})
	require.Equal(t, "0", f.amount(ownerAccount, "NatGateway-Bytes").RatString(), "no NAT on the endpoint path")
	f.do(func(p *sim.Proc) {
		_, err := f.admin.From(inB).PutObject(p, &PutObjectInput{Bucket: "uploads", Key: "via-nat", ContentLength: Int64(1 << 30)})
		require.NoError(t, err)
	})
	// 1 GiB processed by the NAT gateway (the line's amount is in GB).
	require.Equal(t, "1", f.amount(ownerAccount, "NatGateway-Bytes").RatString())
}
