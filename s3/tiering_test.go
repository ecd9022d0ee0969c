package s3

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// tierBytes returns the bytes metered in each Intelligent-Tiering tier of
// a bucket and the monitored objects.
func tierBytes(f *fixture, bucketName string) (fa, ia, aia, monitored int64) {
	b := f.svc.buckets["aws/"+bucketName]
	f.svc.catchUp(b)
	fa = b.meters[classIntelligentTiering].bytes
	if st := b.tiering; st != nil {
		ia, aia, monitored = st.tiers[tierInfrequent].bytes, st.tiers[tierArchiveInstant].bytes, st.monitor.bytes
	}
	return
}

// TestIntelligentTieringMovesAfter30And90DaysWithoutAccess follows the
// documented tiers: Frequent Access until 30 consecutive days without
// access, Infrequent Access until 90, then Archive Instant Access; a GET
// brings the object back to Frequent Access and restarts the count (HEAD
// and LIST do not); an object under 128 KiB is never monitored and stays
// in Frequent Access without a monitoring charge.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html
func TestIntelligentTieringMovesAfter30And90DaysWithoutAccess(t *testing.T) {
	f := newFixture(t, 3, Options{})
	const big, small = 1 << 20, 100 << 10
	step := func(p *sim.Proc, days int) { require.NoError(t, p.Sleep(time.Duration(days)*day)) }
	check := func(fa, ia, aia, mon int64) {
		t.Helper()
		gfa, gia, gaia, gmon := tierBytes(f, "it-bucket")
		require.Equal(t, [4]int64{fa, ia, aia, mon}, [4]int64{gfa, gia, gaia, gmon}, "FA, IA, AIA bytes, monitored objects")
	}
	f.do(func(p *sim.Proc) {
		f.bucket(p, "it-bucket")
		for _, o := range []struct {
			key  string
			size int64
		}{{"big", big}, {"small", small}} {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "it-bucket", Key: o.key, ContentLength: Int64(o.size), StorageClass: StorageClassIntelligentTiering})
			require.NoError(t, err)
		}
		check(big+small, 0, 0, 1)
		step(p, 29)
		check(big+small, 0, 0, 1) // 29 days: still frequent
		step(p, 2)
		check(small, big, 0, 1) // past 30 days: infrequent
		// HEAD and LIST are not accesses.
		_, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "it-bucket", Key: "big"})
		require.NoError(t, err)
		_, err = f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "it-bucket"})
		require.NoError(t, err)
		step(p, 60)
		check(small, 0, big, 1) // past 90 days: archive instant access
		// A GET moves it back, and the 30 days start again.
		out, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "it-bucket", Key: "big", Range: "bytes=0-9"})
		require.NoError(t, err)
		require.Equal(t, StorageClassIntelligentTiering, out.StorageClass)
		check(big+small, 0, 0, 1)
		step(p, 25)
		check(big+small, 0, 0, 1)
		step(p, 6)
		check(small, big, 0, 1)
		// Deleting it takes it out of the tier it is in, with its
		// monitoring charge; its pending move to the archive is dropped.
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "it-bucket", Key: "big"})
		require.NoError(t, err)
		check(small, 0, 0, 0)
		step(p, 100)
		check(small, 0, 0, 0)
		require.Empty(t, f.svc.buckets["aws/it-bucket"].tiering.due, "no move is left pending")
	})
}

// TestIntelligentTieringBilling: the storage is billed at each tier's
// usage type for the time spent there, and monitored objects pay the
// monitoring and automation charge per object-month.
func TestIntelligentTieringBilling(t *testing.T) {
	f := newFixture(t, 4, Options{})
	const size = 1 << 30
	f.do(func(p *sim.Proc) {
		f.bucket(p, "itb")
		az, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
		require.NoError(t, err)
		_, err = f.admin.From(az).PutObject(p, &PutObjectInput{Bucket: "itb", Key: "k", ContentLength: Int64(size), StorageClass: StorageClassIntelligentTiering})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(120*day))
		_, err = f.admin.DeleteObject(p, &DeleteObjectInput{Bucket: "itb", Key: "k"})
		require.NoError(t, err)
	})
	fa, _ := f.amount(ownerAccount, "TimedStorage-INT-FA-ByteHrs").Float64()
	ia, _ := f.amount(ownerAccount, "TimedStorage-INT-IA-ByteHrs").Float64()
	aia, _ := f.amount(ownerAccount, "TimedStorage-INT-AIA-ByteHrs").Float64()
	mon, _ := f.amount(ownerAccount, "Monitoring-Automation-INT").Float64()
	// The world starts on 2026-01-01 UTC. The put's last-access day is
	// Jan 2 (the first midnight after it), so it moves to Infrequent at
	// Feb 1 and to Archive Instant at Apr 2; the delete is at May 1. In
	// GB-months of each calendar month: Frequent all of January, Infrequent
	// February, March and a day of April, Archive Instant 29 days of April;
	// one monitored object for four months.
	require.InDelta(t, 1.0, fa, 0.001)
	require.InDelta(t, 2.0+1.0/30, ia, 0.001)
	require.InDelta(t, 29.0/30, aia, 0.001)
	require.InDelta(t, 4.0, mon, 0.001)
	require.InDelta(t, 4.0, fa+ia+aia, 0.05, "the object is billed in exactly one tier at a time")
}
