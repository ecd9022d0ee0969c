package s3

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// amount sums an account's invoice amounts (pricing units) of usage types
// ending in ut.
func (f *fixture) amount(account, ut string) *big.Rat {
	total := new(big.Rat)
	l := f.svc.ledger
	for _, m := range l.Months(account) {
		for _, li := range l.Invoice(account, m).Lines {
			if strings.HasSuffix(li.UsageType, ut) {
				total.Add(total, li.Amount)
			}
		}
	}
	return total
}

func TestMeteringStorageRequestsEarlyDeleteTransfer(t *testing.T) {
	f := newFixture(t, 60, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "meter")
		// Upload from inside the region (a 1 GiB PUT over the internet
		// would outlast the client's read timeout); read from the internet.
		az, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
		require.NoError(t, err)
		inRegion := f.admin.From(az)
		_, err = inRegion.PutObject(p, &PutObjectInput{Bucket: "meter", Key: "ia", ContentLength: Int64(1 << 30), StorageClass: StorageClassStandardIA})
		require.NoError(t, err)
		_, err = inRegion.PutObject(p, &PutObjectInput{Bucket: "meter", Key: "tiny", ContentLength: Int64(1 << 10), StorageClass: StorageClassStandardIA})
		require.NoError(t, err)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "meter", Key: "ia", Range: "bytes=0-1048575"})
		require.NoError(t, err)
		p.Sleep(10 * 24 * time.Hour)
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "meter", Key: "ia"})
		require.NoError(t, err)
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "meter", Key: "tiny"})
		require.NoError(t, err)
	})
	// Storage: 10 days of 1 GiB plus 10 days of the 128 KiB minimum
	// billable size; early deletion: the other 20 days of each.
	stored := f.amount(ownerAccount, "TimedStorage-SIA-ByteHrs")
	early := f.amount(ownerAccount, "EarlyDelete-SIA")
	require.Positive(t, stored.Sign())
	ratio, _ := new(big.Rat).Quo(early, stored).Float64()
	// The delete lands a request latency after the 10 days.
	require.InEpsilon(t, 2.0, ratio, 1e-6, "early deletion bills the 20 days left of 30 (stored %v, early %v)", stored.FloatString(6), early.FloatString(6))
	// (1 GiB + 128 KiB) x 10 days in GB-Mo of January (31 days).
	want, _ := new(big.Rat).SetFrac64((1<<30+128<<10)*10, (1<<30)*31).Float64()
	got, _ := stored.Float64()
	require.InEpsilon(t, want, got, 1e-6)
	require.Equal(t, "2", f.amount(ownerAccount, "Requests-SIA-Tier1").RatString(), "two PUTs")
	require.Equal(t, "1", f.amount(ownerAccount, "Requests-SIA-Tier2").RatString(), "one GET")
	// The GET went to the internet: 1 MiB out, and 1 MiB retrieved.
	mib := new(big.Rat).SetFrac64(1, 1024)
	require.Equal(t, mib.RatString(), f.amount(ownerAccount, "DataTransfer-Out-Bytes").RatString())
	require.Equal(t, mib.RatString(), f.amount(ownerAccount, "Retrieval-SIA").RatString())
}

// TestRequesterPays: the requester must confirm and then pays the request;
// the owner keeps paying storage.
func TestRequesterPays(t *testing.T) {
	f := newFixture(t, 61, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "rp-data")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "rp-data", Key: "k", ContentLength: Int64(10)})
		require.NoError(t, err)
		_, err = f.admin.PutBucketPolicy(p, &PutBucketPolicyInput{Bucket: "rp-data", Policy: `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::rp-data/*"}]}`})
		require.NoError(t, err)
		_, err = f.admin.PutBucketRequestPayment(p, &PutBucketRequestPaymentInput{Bucket: "rp-data", Payer: "Requester"})
		require.NoError(t, err)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "rp-data", Key: "k"})
		wantErr(t, err, "AccessDenied", 403)
		_, err = f.partner.GetObject(p, &GetObjectInput{Bucket: "rp-data", Key: "k", RequestPayer: RequestPayerRequester})
		require.NoError(t, err)
		p.Sleep(time.Hour)
	})
	require.Equal(t, "1", f.amount(otherAccount, "Requests-Tier2").RatString())
	require.Equal(t, "0", f.amount(ownerAccount, "Requests-Tier2").RatString())
	require.Positive(t, f.amount(ownerAccount, "TimedStorage-ByteHrs").Sign())
}

// TestTransferByPath: a GET from an instance's zone in the bucket's region
// moves no billed bytes; from another region it is inter-region transfer
// out of the bucket's region, billed to the bucket owner.
func TestTransferByPath(t *testing.T) {
	f := newFixture(t, 62, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "paths")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "paths", Key: "k", ContentLength: Int64(1 << 20)})
		require.NoError(t, err)
		use1, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
		require.NoError(t, err)
		_, err = f.admin.From(use1).GetObject(p, &GetObjectInput{Bucket: "paths", Key: "k"})
		require.NoError(t, err)
		eu, err := f.w.Region("eu-west-1")
		require.NoError(t, err)
		euw1, err := f.w.InAZ(eu.AZs()[0].ID())
		require.NoError(t, err)
		_, err = f.admin.From(euw1).GetObject(p, &GetObjectInput{Bucket: "paths", Key: "k"})
		require.NoError(t, err)
	})
	mib := new(big.Rat).SetFrac64(1, 1024)
	require.Equal(t, mib.RatString(), f.amount(ownerAccount, "-AWS-Out-Bytes").RatString())
	require.Equal(t, "0", f.amount(ownerAccount, "DataTransfer-Out-Bytes").RatString())
}

// TestDeniedRequestBillsItsOwnTier: a 403 AccessDenied inside the bucket
// owner's account is billed with no effect having run; its charge is its
// own operation's tier and storage class, not the last served request's
// (the pipeline reuses call frames, so a charge left by the previous call
// could otherwise be taken for this one's).
func TestDeniedRequestBillsItsOwnTier(t *testing.T) {
	f := newFixture(t, 61, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "denied")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "denied", Key: "k", ContentLength: Int64(1 << 10), StorageClass: StorageClassStandardIA})
		require.NoError(t, err)
		// The reader may only GET: its PUT is denied, and billed (Tier 1,
		// STANDARD: the class it asked for is not known to the bill).
		_, err = f.reader.PutObject(p, &PutObjectInput{Bucket: "denied", Key: "k", ContentLength: Int64(1 << 10)})
		require.Equal(t, "AccessDenied", codeOf(err))
		_, err = f.reader.GetObject(p, &GetObjectInput{Bucket: "denied", Key: "k"})
		require.NoError(t, err)
		_, err = f.reader.PutObject(p, &PutObjectInput{Bucket: "denied", Key: "k2", ContentLength: Int64(1 << 10)})
		require.Equal(t, "AccessDenied", codeOf(err))
	})
	require.Equal(t, "1", f.amount(ownerAccount, "Requests-SIA-Tier1").RatString(), "the admin's PUT")
	require.Equal(t, "1", f.amount(ownerAccount, "Requests-SIA-Tier2").RatString(), "the reader's GET")
	require.Equal(t, "3", f.amount(ownerAccount, "Requests-Tier1").RatString(), "CreateBucket and the reader's two denied PUTs")
}

// TestOneRateChangeIsTwoAtOneInstant checks what replaceStored relies on
// when an overwrite sets its class's storage meter once: a timed meter
// whose rate is set twice at one instant (store's add, then drop's
// removal) bills exactly as one set to the second rate. Two accounts run
// the same changes, one of them with an extra rate in between each time,
// in the meter's first hour and past it (where the ledger commits
// eagerly), and their invoices must match to the last digit.
func TestOneRateChangeIsTwoAtOneInstant(t *testing.T) {
	f := newFixture(t, 62, Options{})
	l := f.svc.ledger
	start := func(account string) billing.MeterID {
		id, err := l.StartTimed(billing.Usage{Account: account, Service: "AmazonS3", UsageType: "TimedStorage-ByteHrs",
			Operation: "StandardStorage", Region: testRegion, ResourceID: "b", Quantity: 5000}, billing.PerSecond)
		require.NoError(t, err)
		return id
	}
	f.do(func(p *sim.Proc) {
		one, two := start(ownerAccount), start(otherAccount)
		rate := int64(5000)
		for i := range 40 {
			p.Sleep(time.Duration(7+i%5) * time.Minute / 3)
			next := rate + int64(i%7)*100 - 250
			require.NoError(t, l.SetTimedRate(one, next))
			require.NoError(t, l.SetTimedRate(two, rate+1<<20)) // the new version's bytes first
			require.NoError(t, l.SetTimedRate(two, next))       // then the old one's gone
			rate = next
		}
		p.Sleep(3 * time.Hour)
		require.NoError(t, l.StopTimed(one, billing.StopOptions{}))
		require.NoError(t, l.StopTimed(two, billing.StopOptions{}))
	})
	a, b := f.amount(ownerAccount, "TimedStorage-ByteHrs"), f.amount(otherAccount, "TimedStorage-ByteHrs")
	require.Positive(t, a.Sign())
	require.Equal(t, a.RatString(), b.RatString())
}
