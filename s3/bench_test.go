package s3

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"

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
// 2x of the 10^4 case. Each bucket is listed first until the collector
// has run once (warmHeap), so the timed pages run in a heap that has
// memory to reuse, as a study's does. Each size runs in a heap of its own, so the
// figures also measure the runtime's memory (faults/op, and the
// collections a small heap runs often): BenchmarkListObjectsV2SameHeap
// compares the sizes in one heap. The buckets are loaded by bulkFill
// (the 10^7 one in seconds, about 1.3 GiB); the 10^7 case is skipped
// under -short.
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
				warmHeap(parent, fixtures[n], "bench-list", n)
			}
			f := fixtures[n]
			// No runtime.GC here: warmHeap has collected the fill's
			// garbage, and a forced collection lowers the heap goal, so
			// the scavenger would hand memory back to the system for the
			// timed pages to fault in again. Collections that fall during
			// the timed pages are charged to them, as in a study.
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			faults0, faultsOK := processFaults()
			b.ResetTimer()
			defer func() {
				// CPU time per page: on a shared machine the wall time
				// also counts the time spent waiting for a core.
				if cpu1, ok := processCPU(); ok && cpuOK {
					b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
				}
				// Page faults per page: near 0 once warmHeap has run.
				// Without it the 10^7 case takes some 30 a page (see
				// warmHeap), which on a virtual machine cost more than
				// listing the keys.
				if faults1, ok := processFaults(); ok && faultsOK {
					b.ReportMetric(float64(faults1-faults0)/float64(b.N), "faults/op")
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

// warmHeap lists pages of the bucket until the collector has run on its
// own, after a forced collection, at least once. bulkFill builds the
// bucket without the garbage a fill through the API leaves, so a heap
// fresh from it has no freed memory: until the collector's first cycle,
// every page's response (about 130 KiB) lands on pages the process has
// never touched, and with 10^7 objects (1.2 GiB live, so 1.2 GiB of
// allocation before that cycle) some 30 page faults a page cost more than
// the listing. A study that filled its bucket through the API, or that has
// run for a while, reuses memory the collector freed. The timed pages run
// in such a heap, and later cycles of the collector are charged to them as
// they fall: run with -benchtime 30000x to span several cycles of the
// 10^7 heap (one every ~9,000 pages).
func warmHeap(b *testing.B, f *fixture, bucket string, n int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc0 := ms.NumGC
	f.do(func(p *sim.Proc) {
		for i := 0; ; i++ {
			if i%256 == 0 {
				runtime.ReadMemStats(&ms)
				if ms.NumGC > gc0 {
					return
				}
			}
			start := fmt.Sprintf("obj/%09d", (i*104729)%(n-1000))
			if _, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: bucket, StartAfter: start, MaxKeys: Int32(1000)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListObjectsV2SameHeap lists pages as BenchmarkListObjectsV2
// does, alternating between a bucket of 10^4 objects and one of 10^7 in
// the same process, and reports each bucket's wall and CPU time per page
// and their ratio (big/small-cpu). BenchmarkListObjectsV2 runs each size
// in a heap of its own, so its 10^7 case also pays for the heap it runs
// in: with 1.2 GiB live the collector lets the heap grow by as much
// before it runs again, every page's response lands in memory never
// touched before, and the page faults cost more than the listing. Here
// both buckets share the heap, its collections and its faults, and the
// ratio is what the bucket's size alone costs: O(log n + page) keeps it
// near 1 (runs have varied from 0.9 to, once, 4: use -count 4 and the
// median). It is skipped under -short.
func BenchmarkListObjectsV2SameHeap(b *testing.B) {
	if testing.Short() {
		b.Skip("10^7 objects: not under -short")
	}
	var f *fixture // owned by the parent benchmark
	parent := b
	b.Run("keys=10000+10000000", func(b *testing.B) {
		if f == nil {
			f = newFixture(parent, 1, Options{Throttle: Throttle{Disabled: true}})
			bulkFill(parent, f, "bench-big", 10_000_000)
			bulkFill(parent, f, "bench-small", 10_000)
		}
		buckets := [2]struct {
			name      string
			n         int
			wall, cpu time.Duration
			faults    int64
		}{{name: "bench-small", n: 10_000}, {name: "bench-big", n: 10_000_000}}
		runtime.GC()
		b.ReportAllocs()
		b.ResetTimer()
		f.do(func(p *sim.Proc) {
			for i := 0; i < b.N; i++ {
				for j := range buckets {
					bk := &buckets[j]
					start := fmt.Sprintf("obj/%09d", (i*7919)%(bk.n-1000))
					cpu0, _ := processCPU()
					fa0, _ := processFaults()
					t0 := time.Now()
					out, err := f.admin.ListObjectsV2(p, &ListObjectsV2Input{Bucket: bk.name, StartAfter: start, MaxKeys: Int32(1000)})
					bk.wall += time.Since(t0)
					cpu1, _ := processCPU()
					bk.cpu += cpu1 - cpu0
					fa1, _ := processFaults()
					bk.faults += fa1 - fa0
					if err != nil || out.KeyCount != 1000 {
						b.Fatal(err, out.KeyCount)
					}
				}
			}
		})
		b.StopTimer()
		small, big := buckets[0], buckets[1]
		b.ReportMetric(float64(small.wall)/float64(b.N), "small-ns/page")
		b.ReportMetric(float64(big.wall)/float64(b.N), "big-ns/page")
		if _, ok := processCPU(); ok {
			b.ReportMetric(float64(small.cpu)/float64(b.N), "small-cpu-ns/page")
			b.ReportMetric(float64(big.cpu)/float64(b.N), "big-cpu-ns/page")
			b.ReportMetric(float64(big.cpu)/float64(small.cpu), "big/small-cpu")
		}
		if _, ok := processFaults(); ok {
			b.ReportMetric(float64(small.faults)/float64(b.N), "small-faults/page")
			b.ReportMetric(float64(big.faults)/float64(b.N), "big-faults/page")
		}
	})
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
// BenchmarkResponseCost runs the same loop and takes the response's
// memory out of it.
func BenchmarkPutObject(b *testing.B) { benchPut(b, false) }

func benchPut(b *testing.B, handBack bool) {
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
		var last *PutObjectOutput
		for i := 0; i < b.N; i++ {
			in.Key = keys[i&(len(keys)-1)]
			out, err := c.PutObject(p, in)
			if err != nil {
				b.Fatal(err)
			}
			if handBack {
				checkHandedBack(b, i, out, last)
				last = out
				handBackResult(&f.svc.putResults)
			}
		}
	})
}

// BenchmarkGetObject measures one small size-only GetObject, from a zone
// of the bucket's region, through the whole pipeline. Budget: at most 2x region's BenchmarkCall.
func BenchmarkGetObject(b *testing.B) { benchGet(b, false) }

func benchGet(b *testing.B, handBack bool) {
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
		var last *GetObjectOutput
		for i := 0; i < b.N; i++ {
			in.Key = keys[i&(len(keys)-1)]
			out, err := c.GetObject(p, in)
			if err != nil {
				b.Fatal(err)
			}
			if handBack {
				checkHandedBack(b, i, out, last)
				last = out
				handBackResult(&f.svc.getResults)
			}
		}
	})
}

// BenchmarkResponseCost is a diagnostic, not a budget: it runs
// BenchmarkPutObject's and BenchmarkGetObject's loops, but hands each
// response back to its block once the call returns (zeroed), so that the
// next call fills the same memory again. That breaks the API's promise
// (a response is the caller's alone) and so is done here only, by the
// benchmark. What it takes out is the cost of the memory a response
// lives in: the block it is carved from (allocated and zeroed, in memory
// the collector last freed, cold in the cache) and the collections that
// allocation drives (in the Get benchmark's small heap, one every few
// milliseconds). region's BenchmarkCall allocates nothing, so neither
// cost runs beside it; the difference between this and the plain
// benchmarks is what a response costs.
func BenchmarkResponseCost(b *testing.B) {
	b.Run("op=PutObject", func(b *testing.B) { benchPut(b, true) })
	b.Run("op=GetObject", func(b *testing.B) { benchGet(b, true) })
}

// BenchmarkResponseAlloc measures, apart from any call, what allocating
// GetObject's responses costs per response in blocks of 1 to 128 KiB
// (takeResult's are resultSlabBytes), and clearing one block of
// resultSlabBytes that stays in the cache. It shows what
// BenchmarkResponseCost takes out, and that the block size does not
// change it much.
func BenchmarkResponseAlloc(b *testing.B) {
	var sink []getResult
	per := int(unsafe.Sizeof(getResult{}))
	for _, size := range []int{1 << 10, 4 << 10, 16 << 10, 128 << 10} {
		b.Run(fmt.Sprintf("block=%dKiB", size>>10), func(b *testing.B) {
			n := size / per
			for i := 0; i < b.N; i++ {
				sink = make([]getResult, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/response")
		})
	}
	b.Run("clear-in-cache", func(b *testing.B) {
		block := make([]getResult, resultSlabBytes/per)
		for i := 0; i < b.N; i++ {
			clear(block)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(block)), "ns/response")
		sink = block
	})
	runtime.KeepAlive(sink)
}

// checkHandedBack fails the benchmark if call i's response is not the
// memory of the one before, handed back: then handBackResult no longer
// matches takeResult, and BenchmarkResponseCost would measure something
// else.
func checkHandedBack[T any](b *testing.B, i int, out, last *T) {
	if i > 0 && out != last {
		b.Fatalf("call %d's response is not the last one's memory: handBackResult no longer matches takeResult", i)
	}
}

// handBackResult returns the response the last takeResult handed out
// from *slab to it, zeroed, as if never taken (BenchmarkResponseCost).
func handBackResult[T any](slab *[]T) {
	n := len(*slab)
	*slab = (*slab)[:n+1]
	var zero T
	(*slab)[n] = zero
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
