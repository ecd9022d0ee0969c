package s3

import (
	"fmt"
	"testing"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// nicProc starts fn in a process that runs "on an instance": its calls
// come from a zone of the region through a network interface of nicBps
// (as ec2 binds an instance's processes to its primary interface).
func nicProc(t *testing.T, f *fixture, nicBps float64, fn func(p *sim.Proc)) *sim.Proc {
	t.Helper()
	loc, err := f.w.InAZ(f.w.Regions()[0].AZs()[0].ID())
	require.NoError(t, err)
	require.NoError(t, f.w.Network().AttachInterface("eni-test", loc, region.Bandwidth{BaselineBps: nicBps}))
	loc = loc.WithNetwork(region.NetworkIdentity{NetworkInterfaceID: "eni-test", OnInstance: true})
	p := f.env.Go("instance/job", fn)
	region.SetLocation(p, loc)
	return p
}

// TestTransferThroughputApproachesNICAndFlowCaps: the Uploader's and
// the Downloader's part workers call from the caller's instance, so with
// concurrency c they move an object at about min(NIC, c x single-flow
// cap), the same both ways. The single-flow cap is the network model's
// for the path to the regional endpoint (5 Gbit/s). Tolerance: at least
// 85% of the bound (each 512 MiB part also waits a first-byte latency
// and a round trip), never above it, and the two directions within 5%
// of each other.
func TestTransferThroughputApproachesNICAndFlowCaps(t *testing.T) {
	flowCap := region.DefaultNetwork().ThroughputBps[region.PathRegional]
	for _, tc := range []struct {
		nic float64
		c   int
	}{{10e9, 1}, {10e9, 2}, {10e9, 8}, {25e9, 3}} {
		t.Run(fmt.Sprintf("nic=%.0fG/c=%d", tc.nic/1e9, tc.c), func(t *testing.T) {
			f := newFixture(t, 7, Options{})
			const size = 16 << 30
			const part = 512 << 20
			want := min(tc.nic, float64(tc.c)*flowCap)
			var up, down float64
			nicProc(t, f, tc.nic, func(p *sim.Proc) {
				f.bucket(p, "thr")
				t0 := p.Now()
				_, err := NewUploader(f.admin, func(u *Uploader) { u.PartSize, u.Concurrency = part, tc.c }).
					Upload(p, &PutObjectInput{Bucket: "thr", Key: "k", ContentLength: Int64(size)})
				require.NoError(t, err)
				up = size * 8 / p.Now().Sub(t0).Seconds()
				t0 = p.Now()
				n, err := NewDownloader(f.admin, func(d *Downloader) { d.PartSize, d.Concurrency = part, tc.c }).
					Download(p, nil, &GetObjectInput{Bucket: "thr", Key: "k"})
				require.NoError(t, err)
				require.Equal(t, int64(size), n)
				down = size * 8 / p.Now().Sub(t0).Seconds()
			})
			f.env.Run()
			t.Logf("bound %.2f Gbit/s: upload %.2f, download %.2f", want/1e9, up/1e9, down/1e9)
			for _, got := range []float64{up, down} {
				require.GreaterOrEqual(t, got, 0.85*want)
				require.LessOrEqual(t, got, want*1.001)
			}
			require.InEpsilon(t, down, up, 0.05, "upload and download are symmetric")
		})
	}
}

// TestUploadDiesWithItsCaller: the part workers belong to the caller, so
// when the caller's process is killed (its instance reclaimed: ec2 kills
// every process of the instance) no part goes up afterwards, nothing is
// completed or aborted, and the multipart upload stays incomplete with the
// parts stored before, as on AWS.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
func TestUploadDiesWithItsCaller(t *testing.T) {
	f := newFixture(t, 9, Options{})
	const size = 16 << 30
	const part = 512 << 20
	var upErr error
	returned := false
	job := nicProc(t, f, 10e9, func(p *sim.Proc) {
		f.bucket(p, "reclaimed")
		_, upErr = NewUploader(f.admin, func(u *Uploader) { u.PartSize, u.Concurrency = part, 4 }).
			Upload(p, &PutObjectInput{Bucket: "reclaimed", Key: "ckpt", ContentLength: Int64(size)})
		returned = true
	})
	storedAtKill := -1
	f.env.Go("reclaim", func(p *sim.Proc) {
		require.NoError(t, p.Sleep(3e9)) // 3 s: some parts are up, others in flight
		lp := listParts(t, p, f, "reclaimed", "ckpt")
		storedAtKill = lp
		job.Kill(fmt.Errorf("instance reclaimed"))
	})
	f.env.Run()
	require.False(t, returned, "the caller died inside Upload")
	require.NoError(t, upErr)
	f.do(func(p *sim.Proc) {
		require.NoError(t, p.Sleep(60e9)) // long after any part could have finished
		n := listParts(t, p, f, "reclaimed", "ckpt")
		require.Equal(t, storedAtKill, n, "no part was stored after the caller died")
		require.Greater(t, n, 0)
		require.Less(t, n, size/part)
		_, err := f.admin.HeadObject(p, &HeadObjectInput{Bucket: "reclaimed", Key: "ckpt"})
		wantErr(t, err, "NotFound", 404)
	})
}

// listParts returns the number of parts of the one incomplete upload of key.
func listParts(t *testing.T, p *sim.Proc, f *fixture, bucketName, key string) int {
	t.Helper()
	lu, err := f.admin.ListMultipartUploads(p, &ListMultipartUploadsInput{Bucket: bucketName})
	require.NoError(t, err)
	require.Len(t, lu.Uploads, 1, "the upload is incomplete, not completed or aborted")
	lp, err := f.admin.ListParts(p, &ListPartsInput{Bucket: bucketName, Key: key, UploadId: lu.Uploads[0].UploadId})
	require.NoError(t, err)
	return len(lp.Parts)
}
