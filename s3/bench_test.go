package s3

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// fill puts n size-only objects "obj/%09d" through the API (one process,
// throttling off) and returns the virtual time it took.
func fill(b *testing.B, f *fixture, bucketName string, n int) {
	f.do(func(p *sim.Proc) {
		f.bucket(p, bucketName)
		for i := range n {
			if _, err := f.admin.PutObject(p, &PutObjectInput{Bucket: bucketName, Key: fmt.Sprintf("obj/%09d", i), ContentLength: Int64(1024)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// bulkFill creates the bucket through the API and then loads n size-only
// objects "obj/%09d" straight into it with putVersion, the step of
// PutObject's effect that builds the keyspace (interned keys, version
// slabs, B-tree, replica placement, storage meter): the same structure
// PutObject leaves, without ten million trips through the pipeline. It is
// a benchmark fixture, not an API: the listing measured on it goes
// through the pipeline.
func bulkFill(b testing.TB, f *fixture, bucketName string, n int) {
	f.do(func(p *sim.Proc) { f.bucket(p, bucketName) })
	bk := f.svc.buckets["aws/"+bucketName]
	key := []byte("obj/000000000")
	for i := range n {
		for j, x := len(key)-1, i; j >= 4; j, x = j-1, x/10 {
			key[j] = byte('0' + x%10)
		}
		if _, err := f.svc.putVersion(bk, string(key), version{size: 1024}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListObjectsV2 lists pages of 1,000 keys, from a random start
// point, in buckets of 10^4 and 10^7 size-only objects, through the whole
// pipeline. A page costs O(log n + page): the 10^7 case must stay within
// 2x of the 10^4 case. The buckets are loaded by bulkFill (the 10^7 one
// in seconds, about 1.3 GiB); the 10^7 case is skipped under -short.
func BenchmarkListObjectsV2(b *testing.B) {
	fixtures := map[int]*fixture{} // owned by the parent benchmark, closed after every run
	parent := b
	for _, n := range []int{10_000, 10_000_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			if testing.Short() && n > 100_000 {
				b.Skip("10^7 objects: not under -short")
			}
			// The testing package calls this function again for each b.N
			// it tries: fill once.
			if fixtures[n] == nil {
				fixtures[n] = newFixture(parent, 1, Options{Throttle: Throttle{Disabled: true}})
				bulkFill(parent, fixtures[n], "bench-list", n)
			}
			f := fixtures[n]
			// Start the timed loop with the fill's garbage collected, so
			// a GC cycle begun during the fill is not charged to the
			// first pages; later cycles are, as they would be in a study.
			runtime.GC()
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			b.ResetTimer()
			defer func() {
				// CPU time per page: on a shared machine the wall time
				// also counts the time spent waiting for a core.
				if cpu1, ok := processCPU(); ok && cpuOK {
					b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
				}
			}()
			f.do(func(p *sim.Proc) {
				for i := 0; i < b.N; i++ {
					start := fmt.Sprintf("obj/%09d", (i*7919)%(n-1000))
					out, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "bench-list", StartAfter: start, MaxKeys: Int32(1000)})
					if err != nil || out.KeyCount != 1000 {
						b.Fatal(err, out.KeyCount)
					}
				}
			})
		})
	}
}

// inZone returns the fixture's admin client calling from a zone of the
// region, as region's BenchmarkCall does.
func inZone(b *testing.B, f *fixture) *Client {
	loc, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
	if err != nil {
		b.Fatal(err)
	}
	return f.admin.From(loc)
}

// BenchmarkPutObject measures one small size-only PutObject, from a zone
// of the bucket's region, through the whole pipeline (IAM authorization with the bucket policy, network,
// throttling model, first-byte latency draw, B-tree insert, replica
// accounting, metering). Budget: at most 2x region's BenchmarkCall.
func BenchmarkPutObject(b *testing.B) {
	f := newFixture(b, 1, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) { f.bucket(p, "bench-put") })
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("k/%06d", i)
	}
	in := &PutObjectInput{Bucket: "bench-put", ContentLength: Int64(1024)}
	c := inZone(b, f)
	b.ReportAllocs()
	b.ResetTimer()
	f.do(func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			in.Key = keys[i&(len(keys)-1)]
			if _, err := c.PutObject(p, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetObject measures one small size-only GetObject, from a zone
// of the bucket's region, through the whole pipeline. Budget: at most 2x region's BenchmarkCall.
func BenchmarkGetObject(b *testing.B) {
	f := newFixture(b, 1, Options{Throttle: Throttle{Disabled: true}})
	fill(b, f, "bench-get", 1<<12)
	keys := make([]string, 1<<12)
	for i := range keys {
		keys[i] = fmt.Sprintf("obj/%09d", i)
	}
	in := &GetObjectInput{Bucket: "bench-get"}
	c := inZone(b, f)
	b.ReportAllocs()
	b.ResetTimer()
	f.do(func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			in.Key = keys[i&(len(keys)-1)]
			if _, err := c.GetObject(p, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkMemory10MObjects puts 10,000,000 size-only objects in one
// bucket through the API and reports the live heap they take, in bytes
// per object and MiB in total (budget: under 2 GiB). Run it with
// -benchtime=1x; it is skipped under -short.
func BenchmarkMemory10MObjects(b *testing.B) {
	if testing.Short() {
		b.Skip("10^7 objects: not under -short")
	}
	const n = 10_000_000
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f := newFixture(b, 1, Options{Throttle: Throttle{Disabled: true}})
		fill(b, f, "bench-mem", n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		used := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		b.ReportMetric(used/n, "bytes/object")
		b.ReportMetric(used/(1<<20), "MiB")
		if used >= 2<<30 {
			b.Fatalf("10^7 objects take %.0f MiB, over the 2 GiB budget", used/(1<<20))
		}
		runtime.KeepAlive(f)
	}
}

// TestBulkFillMatchesPutObject checks the benchmark fixture against the
// API: a bucket loaded by bulkFill lists, reads and meters like one
// filled by PutObject.
func TestBulkFillMatchesPutObject(t *testing.T) {
	const n = 2500
	f := newFixture(t, 1, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) {
		f.bucket(p, "by-api")
		for i := range n {
			_, err := f.admin.PutObject(p, &PutObjectInput{Bucket: "by-api", Key: fmt.Sprintf("obj/%09d", i), ContentLength: Int64(1024)})
			require.NoError(t, err)
		}
	})
	bulkFill(t, f, "by-fill", n)
	api, bulk := f.svc.buckets["aws/by-api"], f.svc.buckets["aws/by-fill"]
	require.Equal(t, api.keys.Len(), bulk.keys.Len())
	require.Equal(t, api.versions, bulk.versions)
	require.Equal(t, api.meters[classStandard].bytes, bulk.meters[classStandard].bytes)
	f.do(func(p *sim.Proc) {
		for _, after := range []string{"", "obj/000000999", "obj/000002400"} {
			a, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "by-api", StartAfter: after})
			require.NoError(t, err)
			b, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: "by-fill", StartAfter: after})
			require.NoError(t, err)
			require.Equal(t, a.KeyCount, b.KeyCount)
			require.Equal(t, a.IsTruncated, b.IsTruncated)
			for i := range a.Contents {
				require.Equal(t, a.Contents[i].Key, b.Contents[i].Key)
				require.Equal(t, a.Contents[i].Size, b.Contents[i].Size)
				require.Equal(t, a.Contents[i].StorageClass, b.Contents[i].StorageClass)
			}
		}
		h, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "by-fill", Key: "obj/000001234"})
		require.NoError(t, err)
		require.Equal(t, int64(1024), *h.ContentLength)
	})
}

// BenchmarkUploadParts measures a size-only multipart Upload of 128
// minimum-size parts (Create, 128 UploadPart from five workers, Complete)
// from a zone of the bucket's region, as spot-training's S3 store
// checkpoints; it reports the cost per part.
func BenchmarkUploadParts(b *testing.B) {
	const parts = 128
	f := newFixture(b, 1, Options{Throttle: Throttle{Disabled: true}})
	f.do(func(p *sim.Proc) { f.bucket(p, "bench-mpu") })
	up := NewUploader(inZone(b, f))
	in := &PutObjectInput{Bucket: "bench-mpu", Key: "ckpt", ContentLength: Int64(parts * MinPartSize)}
	b.ReportAllocs()
	b.ResetTimer()
	f.do(func(p *sim.Proc) {
		for i := 0; i < b.N; i++ {
			out, err := up.Upload(p, in)
			if err != nil || out.Parts != parts {
				b.Fatal(err, out)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*parts), "ns/part")
}
