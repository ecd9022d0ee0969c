package s3

import (
	"fmt"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/region/storage"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestAZOutageKeepsObjectsReadable: with one zone dark, every object in a
// multi-zone class is still readable from the other zones, new writes
// succeed, and One Zone-IA objects whose zone is dark are not readable
// until it returns. A regional impairment makes S3 unavailable there.
func TestAZOutageKeepsObjectsReadable(t *testing.T) {
	f := newFixture(t, 40, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "avail")
		for i := range 50 {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "avail", Key: fmt.Sprintf("std/%02d", i), ContentLength: Int64(100)})
			require.NoError(t, err)
			_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "avail", Key: fmt.Sprintf("oz/%02d", i), ContentLength: Int64(100), StorageClass: StorageClassOnezoneIA})
			require.NoError(t, err)
		}
		reg, _ := f.w.Region(testRegion)
		dark := reg.AZs()[0].ID()
		require.NoError(t, f.w.Faults().FailAZ(dark))
		cfg := region.DefaultClientConfig()
		cfg.MaxAttempts = 1
		c := f.admin.WithRetry(cfg)
		ozFailed := 0
		for i := range 50 {
			_, err := c.GetObject(p, &GetObjectInput{Bucket: "avail", Key: fmt.Sprintf("std/%02d", i)})
			require.NoError(t, err, "multi-zone object %d during the outage", i)
			_, err = c.GetObject(p, &GetObjectInput{Bucket: "avail", Key: fmt.Sprintf("oz/%02d", i)})
			if err != nil {
				wantErr(t, err, "InternalError", 500)
				ozFailed++
			}
		}
		// One Zone-IA groups are spread over the region's zones; those in
		// the dark zone fail.
		pool, _ := f.svc.Pool(testRegion)
		wantFailed := 0
		b := f.svc.buckets["aws/avail"]
		for i := range 50 {
			v, _ := f.svc.current(b, fmt.Sprintf("oz/%02d", i))
			if !pool.Readable(v.group) {
				wantFailed++
			}
		}
		require.Equal(t, wantFailed, ozFailed)
		require.Positive(t, ozFailed)
		_, err := c.PutObject(p, &PutObjectInput{Bucket: "avail", Key: "std/new", ContentLength: Int64(1)})
		require.NoError(t, err)
		require.NoError(t, f.w.Faults().RestoreAZ(dark))
		for i := range 50 {
			_, err := c.GetObject(p, &GetObjectInput{Bucket: "avail", Key: fmt.Sprintf("oz/%02d", i)})
			require.NoError(t, err)
		}
		require.NoError(t, f.w.Faults().ImpairRegion(testRegion))
		_, err = c.GetObject(p, &GetObjectInput{Bucket: "avail", Key: "std/00"})
		wantErr(t, err, "ServiceUnavailable", 503)
		require.NoError(t, f.w.Faults().RestoreRegion(testRegion))
	})
}

// TestLostObjectIsNoSuchKey: when every replica of an object's group
// fails before repair, the object is gone: GetObject answers NoSuchKey,
// listings skip it, and the loss is counted.
func TestLostObjectIsNoSuchKey(t *testing.T) {
	f := newFixture(t, 41, Options{Storage: storage.Options{NodesPerZone: 1}, GroupsPerPool: 1})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "fragile")
		_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "fragile", Key: "a", ContentLength: Int64(10)})
		require.NoError(t, err)
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "fragile", Key: "b", ContentLength: Int64(10)})
		require.NoError(t, err)
		pool, _ := f.svc.Pool(testRegion)
		for n := range pool.Nodes() {
			pool.FailNode(n)
		}
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "fragile", Key: "a"})
		wantErr(t, err, "NoSuchKey", 404)
		l, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "fragile"})
		require.NoError(t, err)
		require.Zero(t, l.KeyCount)
		require.Equal(t, int64(2), f.svc.LostObjects())
		p.Sleep(25 * time.Hour) // replacements arrive; new writes are stored again
		_, err = f.admin.PutObject(p, &PutObjectInput{Bucket: "fragile", Key: "c", ContentLength: Int64(10)})
		require.NoError(t, err)
		_, err = f.admin.GetObject(p, &GetObjectInput{Bucket: "fragile", Key: "c"})
		require.NoError(t, err)
	})
}

// TestThrottlingRate drives 80 GET/s at one prefix against a model scaled
// down 100x (55 reads/s per partitioned prefix, ramp after 1 min of
// throttling) with retries off. While the prefix is at its base capacity
// about 25/80 of requests get 503 SlowDown; once it has ramped (capacity
// doubled) none do; the same load split over two prefixes is never
// throttled.
func TestThrottlingRate(t *testing.T) {
	f := newFixture(t, 42, Options{Throttle: Throttle{ReadsPerSecond: 55, WritesPerSecond: 35, RampInterval: time.Minute}})
	cfg := region.DefaultClientConfig()
	cfg.MaxAttempts = 1
	c := f.admin.WithRetry(cfg)
	type result struct {
		at  sim.Time
		err error
	}
	var res []result
	f.do(func(p *sim.Proc) {
		f.bucket(p, "hot")
		for _, k := range []string{"a/x", "b/x"} {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "hot", Key: k, ContentLength: Int64(1)})
			require.NoError(t, err)
		}
		start := p.Now()
		drive := func(keys []string, d time.Duration) {
			n := int(d / (time.Second / 80))
			for i := range n {
				k := keys[i%len(keys)]
				f.env.Go("get", func(q *sim.Proc) {
					_, err := c.GetObject(q, &GetObjectInput{Bucket: "hot", Key: k})
					res = append(res, result{q.Now(), err})
				})
				p.Sleep(time.Second / 80)
			}
		}
		drive([]string{"a/x"}, 3*time.Minute)
		p.Sleep(5 * time.Second)
		split := len(res)
		slow0 := f.svc.Stats().SlowDowns
		drive([]string{"a/y", "b/x"}, 10*time.Second) // a/y is missing: NoSuchKey, not throttled
		p.Sleep(5 * time.Second)
		require.Equal(t, slow0, f.svc.Stats().SlowDowns, "two prefixes share the load: no throttling")
		var early, earlyThrottled, late, lateThrottled int
		for _, r := range res[:split] {
			sec := time.Duration(r.at - start).Seconds()
			switch {
			case sec > 5 && sec < 50:
				early++
				if codeOf(r.err) == "SlowDown" {
					earlyThrottled++
				}
			case sec > 80:
				late++
				if codeOf(r.err) == "SlowDown" {
					lateThrottled++
				}
			}
		}
		frac := float64(earlyThrottled) / float64(early)
		t.Logf("throttled %d/%d (%.3f) before the ramp, %d/%d after", earlyThrottled, early, frac, lateThrottled, late)
		require.InDelta(t, 25.0/80, frac, 0.03)
		require.Zero(t, lateThrottled)
		require.Positive(t, late)
	})
}

func TestThrottleOnlyCountsItsPrefix(t *testing.T) {
	require.Equal(t, "logs/", PartitionOf("logs/2026/01/01"))
	require.Equal(t, "", PartitionOf("flat-key"))
}

// TestTransientErrorsAreRetried: with the failure layer answering 20% of
// S3 requests with 500 InternalError or 503 ServiceUnavailable, the SDK's
// standard retry mode (3 attempts) gets almost every request through, and
// those 5xx are not billed.
func TestTransientErrorsAreRetried(t *testing.T) {
	f := newFixture(t, 43, Options{Throttle: Throttle{Disabled: true}})
	failed := 0
	f.do(func(p *sim.Proc) {
		f.bucket(p, "flaky")
		require.NoError(t, f.w.Faults().SetErrorRate("s3", testRegion, 0.2))
		for i := range 200 {
			if _, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "flaky", Key: fmt.Sprintf("k%03d", i), ContentLength: Int64(1)}); err != nil {
				failed++
			}
		}
	})
	// P(three 5xx in a row) = 0.008: about 1.6 of 200 at seed 43.
	require.LessOrEqual(t, failed, 6)
	require.Equal(t, fmt.Sprint(200-failed+1), f.amount(ownerAccount, "Requests-Tier1").RatString(), "successful PUTs and the CreateBucket")
	require.Positive(t, f.w.PipelineStats().Retries)
}
