package s3

import (
	"fmt"
	"testing"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestPutGetObjectAllocs pins S3's own allocations on the hot path: a
// small size-only PutObject or GetObject allocates at most once (its
// response, which comes from a block allocated for a run of calls:
// takeResult; a PutObject's holds its ETag; the object ARN, and a
// GetObject's ETag, go into a shared chunk or are kept with the object:
// keyARN) on top of what a bare pipeline call allocates.
func TestPutGetObjectAllocs(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	loc, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
	require.NoError(t, err)
	c := f.admin.From(loc)
	f.do(func(p *sim.Proc) {
		f.bucket(p, "allocs")
		put := &PutObjectInput{Bucket: "allocs", Key: "k/000001", ContentLength: Int64(1024)}
		get := &GetObjectInput{Bucket: "allocs", Key: "k/000001"}
		_, err := c.PutObject(p, put)
		require.NoError(t, err)
		bare := region.Request{Service: "s3", Operation: "GetObject", Region: testRegion, Credentials: c.creds, From: loc,
			Action: "s3:GetObject", Resource: "arn:aws:s3:::allocs/k/000001"}
		base := testing.AllocsPerRun(200, func() {
			_ = f.w.Call(p, bare, func(*region.Call) error { return nil })
		})
		puts := testing.AllocsPerRun(200, func() {
			if _, err := c.PutObject(p, put); err != nil {
				t.Fatal(err)
			}
		})
		gets := testing.AllocsPerRun(200, func() {
			if _, err := c.GetObject(p, get); err != nil {
				t.Fatal(err)
			}
		})
		// New keys: the B-tree, the key-head index, key chunks and
		// version slabs grow, by amortized allocations well under one a
		// call.
		keys := make([]string, 1001)
		for i := range keys {
			keys[i] = fmt.Sprintf("new/%06d", i)
		}
		i := 0
		in := &PutObjectInput{Bucket: "allocs", ContentLength: Int64(1024)}
		fresh := testing.AllocsPerRun(1000, func() {
			in.Key = keys[i]
			if _, err := c.PutObject(p, in); err != nil {
				t.Fatal(err)
			}
			i++
		})
		t.Logf("allocs per call: pipeline %.1f, PutObject %.1f (new keys %.1f), GetObject %.1f", base, puts, fresh, gets)
		require.LessOrEqual(t, puts, base+1, "PutObject allocates more than its response")
		require.LessOrEqual(t, fresh, base+1, "PutObject of a new key allocates more than its response")
		require.LessOrEqual(t, gets, base+1, "GetObject allocates more than its response")
	})
}

// TestResponseStringsStable checks that the ETags and ARNs a response
// carries in its own memory stay as they were after later calls.
func TestResponseStringsStable(t *testing.T) {
	f := newFixture(t, 1, Options{})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "stable")
		var etags []string
		for i := range 3 {
			out, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "stable", Key: string(rune('a' + i)), ContentLength: Int64(10)})
			require.NoError(t, err)
			etags = append(etags, out.ETag)
		}
		got, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "stable", Key: "a"})
		require.NoError(t, err)
		getETag := got.ETag
		for i := range 3 {
			h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "stable", Key: string(rune('a' + i))})
			require.NoError(t, err)
			require.Equal(t, h.ETag, etags[i])
		}
		require.Equal(t, etags[0], getETag)
		require.NotEqual(t, etags[0], etags[1])
		require.Len(t, etags[0], etagLen)
	})
}

// TestResponsesFresh checks that responses taken from shared blocks
// (takeResult) are each the caller's: distinct, and unchanged by later
// calls, across several blocks.
func TestResponsesFresh(t *testing.T) {
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "fresh")
		var puts []*PutObjectOutput
		var gets []*GetObjectOutput
		var want []PutObjectOutput
		for i := range 100 {
			key := fmt.Sprintf("k/%03d", i)
			out, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "fresh", Key: key, ContentLength: Int64(int64(i))})
			require.NoError(t, err)
			puts, want = append(puts, out), append(want, *out)
			g, err := f.admin.GetObject(p, &GetObjectInput{Bucket: "fresh", Key: key})
			require.NoError(t, err)
			gets = append(gets, g)
		}
		for i := range puts {
			require.Equal(t, want[i], *puts[i])
			require.Equal(t, want[i].ETag, gets[i].ETag)
			require.Equal(t, int64(i), *gets[i].ContentLength)
			for j := range i {
				require.NotSame(t, puts[i], puts[j])
				require.NotSame(t, gets[i], gets[j])
				require.NotSame(t, gets[i].ContentLength, gets[j].ContentLength)
			}
		}
	})
}
